"""Does a response object match what MX documents for it, in a dialect? Keys, JSON types, timestamp format.

- required: the dialect's documented key set (union: every key either generation documents), or where the
  dialect documents none for that object, the other generation's;
- strict (g21 and v1, where the dialect documents a key set): no key beyond it, as a client that rejects
  unknown keys (Jackson's default) demands;
- types: each key's JSON type is one the documented examples give it (null only where an example has null);
- timestamps: `+00:00`-style offsets in g21, `.000Z` in v1 and union.
"""

from __future__ import annotations

import re
from typing import Any

from tests.fidelity import mx_reference

G21_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
V1_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

# Where mocknexus knowingly answers differently from an example (each also listed in
# docs/compatibility.md): (kind, key) -> why.
KNOWN_DIFFERENCES = {
    ("member", "most_recent_job_guid"): "null until the member's first job; MX's create example already has one",
}
# Keys an example shows as a string that are null when the client never set them (MX: optional fields).
MAY_BE_NULL = {("member", "metadata"), ("member", "external_guid")}


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def required_keys(kind: str, dialect: str) -> tuple[set[str], bool]:
    """(keys the response must have, whether no others are allowed)."""
    sets = mx_reference.key_sets()
    g21, v1 = sets["g21"][kind], sets["v1"][kind]
    if dialect == "union":
        return set(g21 or ()) | set(v1 or ()), False
    own, other = (g21, v1) if dialect == "g21" else (v1, g21)
    if own is not None:
        return set(own), True
    return set(other or ()), False


def check(kind: str, got: Any, dialect: str, *examples: dict) -> None:
    """Assert that `got` is a `kind` object as `dialect` documents it; `examples` give the JSON types."""
    assert isinstance(got, dict), f"{kind}: not an object: {got!r}"
    required, strict = required_keys(kind, dialect)
    for example in examples:
        required |= set(example) & _keys_of_dialect(kind, dialect, example)
    missing = required - set(got)
    assert not missing, f"{kind} ({dialect}): missing {sorted(missing)}"
    if strict:
        extra = set(got) - required
        assert not extra, f"{kind} ({dialect}): keys no {dialect} client expects: {sorted(extra)}"
    allowed: dict[str, set[str]] = {}
    for example in examples:
        for key, value in example.items():
            allowed.setdefault(key, set()).add(json_type(value))
    for key, value in got.items():
        kinds = allowed.get(key)
        excused = (kind, key) in KNOWN_DIFFERENCES or (kind, key) in MAY_BE_NULL
        if kinds is None or "null" in kinds or (excused and value is None):
            continue
        assert json_type(value) in kinds, f"{kind}.{key} ({dialect}): {json_type(value)} {value!r}, MX: {kinds}"
    for key, value in got.items():
        if key.endswith("_at") and isinstance(value, str):
            pattern = G21_TIME if dialect == "g21" else V1_TIME
            assert pattern.match(value), f"{kind}.{key} ({dialect}): timestamp {value!r}"


def _keys_of_dialect(kind: str, dialect: str, example: dict) -> set[str]:
    """An example's keys that belong to `dialect` (a G21 example's `revision` is not a v1 key)."""
    if dialect == "union":
        return set(example)
    own = mx_reference.key_sets()[dialect][kind]
    return set(example) if own is None else set(example) & own
