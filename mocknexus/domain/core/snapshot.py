"""The whole emulated state as plain JSON-able data, and back: for the admin API's read and load, and for
any store that persists records."""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from typing import Any

from mocknexus.domain.catalog.client_catalog import SCENARIOS
from mocknexus.domain.core.errors import ErrorKind, MXError
from mocknexus.domain.core.tables import SNAPSHOT_TABLES, record_type

# 2: a snapshot carries the client id it was taken of (1, from before client ids, loads into any client).
SNAPSHOT_VERSION = 2
VERSIONS = (1, 2)

# The tables a snapshot carries (declared in `tables`): table name -> (record type, key attribute).
TABLES: dict[str, tuple[type, str]] = {t.name: (t.record, t.key) for t in SNAPSHOT_TABLES if t.record}


# The keys each kind of document may hold: anything else is refused rather than silently ignored (a
# whole-server document with records beside `clients` would otherwise load as an empty server).
CLIENT_KEYS = frozenset({"version", "client_id", "clock", SCENARIOS, *TABLES})
SERVER_KEYS = frozenset({"version", "clock", "clients"})


def parse(state: Any, client_id: str | None) -> dict[str, list]:
    """A client's snapshot as records by table; an MX 400 naming the first problem."""
    if not isinstance(state, dict) or state.get("version") not in VERSIONS:
        raise MXError(ErrorKind.BAD_REQUEST, f'A state snapshot needs "version": {SNAPSHOT_VERSION}.')
    _only_keys(state, CLIENT_KEYS, "A client's snapshot")
    taken_of = state.get("client_id")
    if taken_of is not None and taken_of != client_id:
        raise MXError(
            ErrorKind.BAD_REQUEST,
            f"This snapshot is of client id {taken_of!r}: load it at /__admin/clients/{{client_id}}/state "
            "with that id (or remove its client_id to load it here).",
        )
    loaded: dict[str, list] = {}
    for table, (cls, _) in TABLES.items():
        rows = state.get(table, [])
        if not isinstance(rows, list):
            raise MXError(ErrorKind.BAD_REQUEST, f"{table}: must be a list.")
        try:
            loaded[table] = [from_data(cls, row) for row in rows]
        except ValueError as exc:
            raise MXError(ErrorKind.BAD_REQUEST, f"{table}: {exc}") from None
    return loaded


def check_server_document(state: Any) -> list[dict]:
    """The client snapshots of a whole-server document (`dump_all`'s), or the MX 400 saying what is wrong
    with its outline; each client snapshot is checked by `parse` before anything is replaced."""
    if not isinstance(state, dict) or state.get("version") != SNAPSHOT_VERSION:
        raise MXError(ErrorKind.BAD_REQUEST, f'A state snapshot needs "version": {SNAPSHOT_VERSION}.')
    _only_keys(state, SERVER_KEYS, 'A whole-server snapshot (records go in each of its "clients")')
    _check_clock(state.get("clock"))
    dumps = state.get("clients")
    if not isinstance(dumps, list) or not all(isinstance(d, dict) for d in dumps):
        raise MXError(ErrorKind.BAD_REQUEST, "clients: must be a list of client snapshots.")
    return dumps


def _check_clock(clock: Any) -> None:
    """A whole-server snapshot's `clock` (the server clock when it was taken) is an ISO 8601 time with its offset
    or absent. It records when the snapshot was taken; each client's clock is in its own snapshot, and loading
    does not set the server clock from it (so a junk value is refused, not silently ignored)."""
    if clock is None:
        return
    try:
        valid = isinstance(clock, str) and datetime.fromisoformat(clock).tzinfo is not None
    except ValueError:
        valid = False
    if not valid:
        raise MXError(
            ErrorKind.BAD_REQUEST, "clock: must be an ISO 8601 time with its offset, as GET /__admin/state gives it."
        )


def _only_keys(state: dict, allowed: frozenset[str], what: str) -> None:
    unknown = sorted(str(key) for key in state if key not in allowed)
    if unknown:
        raise MXError(
            ErrorKind.BAD_REQUEST,
            f"{what} takes only {', '.join(sorted(allowed))}; not {', '.join(unknown)[:200]}.",
        )


# The snapshot's outline, for the OpenAPI document: the version and one list of records per table.
# One client's snapshot names its client_id; a whole server's holds every client's under `clients`.
DOCUMENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["version"],
    "properties": {
        "version": {"type": "integer", "enum": sorted(VERSIONS)},
        "client_id": {"type": "string", "nullable": True},
        "clients": {"type": "array", "items": {"type": "object"}},
        **{table: {"type": "array", "items": {"type": "object"}} for table in TABLES},
    },
}


def encode(table: str, value: Any) -> str:
    """A stored record as text (for a store that persists): records as their data, indexes as they are."""
    return json.dumps(to_data(value), separators=(",", ":"))


def decode(table: str, text: str) -> Any:
    data = json.loads(text)
    record = record_type(table)
    return from_data(record, data) if record else data


_PLAIN = frozenset({str, int, float, bool, type(None)})  # exact types: an Enum over str is not plain


def to_data(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:  # most fields: answered before the checks below (a whole-server dump makes millions)
        return value
    names = _field_names(kind)
    if names is not None:  # a record: its plain fields copied without a call each
        return {name: v if type(v := getattr(value, name)) in _PLAIN else to_data(v) for name in names}
    if isinstance(value, date):  # a datetime too
        return value.isoformat()
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, list | tuple):
        return [to_data(v) for v in value]
    if isinstance(value, dict):
        return {k: to_data(v) for k, v in value.items()}
    return value


@functools.cache
def _field_names(cls: type) -> tuple[str, ...] | None:
    """A dataclass's field names; None for any other type."""
    return tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else None


def from_data(cls: type, data: dict) -> Any:
    """Rebuild a record dataclass from `to_data` output; raises ValueError naming the bad field."""
    if not isinstance(data, dict):
        raise ValueError(f"a {cls.__name__} must be an object")
    converters, known = _shape(cls)
    if not known.issuperset(data):
        unknown = sorted(set(data) - known)
        raise ValueError(f"{cls.__name__} has no field(s) {', '.join(unknown)}")
    values = {}
    for name, raw in data.items():
        try:
            values[name] = converters[name](raw)
        except (TypeError, ValueError, KeyError) as exc:
            raise ValueError(f"{cls.__name__}.{name}: {exc}") from None
    try:
        return cls(**values)
    except TypeError as exc:
        raise ValueError(f"{cls.__name__}: {exc}") from None


@functools.cache
def _shape(cls: type) -> tuple[dict[str, Callable[[Any], Any]], frozenset[str]]:
    """A record type's fields, each with the function that converts its stored value, and their names: working
    out what each field needs from its type hint was most of a decode's cost, and a store that persists (SQLite,
    PostgreSQL) decodes on reads (a member with its timeline is a dozen nested records)."""
    hints = typing.get_type_hints(cls)
    fields = frozenset(f.name for f in dataclasses.fields(cls))
    return {name: _converter(hint) for name, hint in hints.items() if name in fields}, fields


@functools.cache
def _converter(hint: Any) -> Callable[[Any], Any]:
    """What turns a stored value back into a field of type `hint` (raising TypeError, ValueError or KeyError)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        inner = _converter(options[0])
        return lambda raw: None if raw is None else inner(raw)
    if origin is list:
        (item,) = typing.get_args(hint)
        each = _converter(item)
        return lambda raw: [each(v) for v in raw]
    if origin is dict:
        return dict
    if hint is datetime:
        return datetime.fromisoformat
    if hint is date:
        return date.fromisoformat
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint.__getitem__
    if dataclasses.is_dataclass(hint):
        return functools.partial(from_data, hint)
    if hint in (int, float, str, bool):
        return functools.partial(_checked, hint)
    return _same


def _checked(hint: type, raw: Any) -> Any:
    if isinstance(raw, hint):
        return raw
    if hint is float and isinstance(raw, int):
        return float(raw)
    raise ValueError(f"expected {hint.__name__}, got {type(raw).__name__}")


def _same(raw: Any) -> Any:
    return raw


MASK = "****"
# Set on a snapshot whose secrets are masked: loading one back would store the masks as credentials.
MASKED_MARKER = ("secrets", "masked")


def mask_secrets(state: dict[str, Any]) -> dict[str, Any]:
    """The snapshot with members' credential values and MFA answers masked: safe to paste into a bug
    report. Guids, statuses, jobs and tokens stay (they are what a report needs, and tokens expire)."""
    masked = {**state, MASKED_MARKER[0]: MASKED_MARKER[1]}
    if "clients" in state:  # a whole server's: every client's snapshot
        masked["clients"] = [mask_secrets(client) for client in state["clients"]]
    if "members" in state:
        masked["members"] = [_mask_member(m) for m in state["members"]]
    return masked


def _mask_member(member: dict[str, Any]) -> dict[str, Any]:
    member = {**member, "credentials": dict.fromkeys(member.get("credentials") or {}, MASK)}
    job = member.get("job")
    if job:
        member["job"] = {**job, "challenges": [{**c, "answer": MASK} for c in job.get("challenges", [])]}
    return member


def is_masked(state: Any) -> bool:
    return isinstance(state, dict) and state.get(MASKED_MARKER[0]) == MASKED_MARKER[1]
