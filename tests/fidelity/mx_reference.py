"""MX's published examples (docs/reference/mx-published-examples.md, a copy of the project's contract), read
as data: the requests and responses of each step, and the key sets each generation documents per object.

Nothing here is retyped from the document: every body, response and key list is parsed out of it, so a change
to the contract changes what the tests demand.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "reference" / "mx-published-examples.md"


@dataclass
class Step:
    """One `### 1.x` step of the guide: its request line, its JSON code blocks and inline JSON objects."""

    number: str
    title: str
    method: str | None
    path: str | None
    text: str
    blocks: list[Any] = field(default_factory=list)
    inline: list[Any] = field(default_factory=list)


def text() -> str:
    return REFERENCE.read_text(encoding="utf-8")


def chapter(number: int) -> str:
    """The text of `## {number}.` up to the next `## `."""
    match = re.search(rf"^## {number}\. .*?(?=^## |\Z)", text(), re.M | re.S)
    assert match, f"chapter {number} not found in {REFERENCE}"
    return match.group(0)


@cache
def steps() -> dict[str, Step]:
    found = {}
    for match in re.finditer(r"^### (\d+\.\d+) (.*?)\n(.*?)(?=^### |^## |\Z)", chapter(1), re.M | re.S):
        number, title, body = match.groups()
        request = re.search(r"`(GET|POST|PUT|DELETE) ([^`]+)`", title)
        found[number] = Step(
            number=number,
            title=title,
            method=request.group(1) if request else None,
            path=request.group(2) if request else None,
            text=body,
            blocks=[json.loads(b) for b in re.findall(r"```json\n(.*?)```", body, re.S)],
            inline=inline_objects(body),
        )
    return found


def inline_objects(chunk: str) -> list[Any]:
    """Every `{...}` in backticks that is valid JSON, in order (balanced braces, so nesting works)."""
    objects = []
    for start in (m.start() + 1 for m in re.finditer(r"`\{", chunk)):
        depth = 0
        for end in range(start, len(chunk)):
            depth += {"{": 1, "}": -1}.get(chunk[end], 0)
            if depth == 0:
                with contextlib.suppress(ValueError):
                    objects.append(json.loads(chunk[start : end + 1]))
                break
    return objects


def bullet(chunk: str, starts: str) -> str:
    """The text of the list item beginning with `- {starts}` (continuation lines included)."""
    match = re.search(rf"^- {re.escape(starts)}.*?(?=^- |^\S|\Z)", chunk, re.M | re.S)
    assert match, f"no bullet starting {starts!r}"
    return match.group(0)


def key_list(chunk: str) -> set[str]:
    """Every key named in backticks in `chunk` (lists like `a, b (note), c[]` included), not code or values."""
    keys: set[str] = set()
    for span in re.findall(r"`([^`]*)`", chunk):
        span = re.sub(r"\([^)]*\)", "", span)
        if re.fullmatch(r"[a-z_*\[\],\s]+", span):
            keys |= {k.strip().removesuffix("[]") for k in span.split(",") if k.strip()}
    return keys


@cache
def key_sets() -> dict[str, dict[str, frozenset[str] | None]]:
    """Per dialect ("g21", "v1"), per object kind: the exact keys that generation documents, or None where it
    documents no key set for that object (then only the keys of the example are required)."""
    s = steps()
    v1, strict = chapter(2), chapter(3)
    institution_g21 = set(s["1.4"].blocks[0]["institutions"][0])
    institution_v1 = key_list(bullet(v1, "Search:").split("Institution keys:")[1])
    has = {k for k in institution_g21 if k.startswith("has_")}
    institution_v1 = (institution_v1 - {"has_*_accounts"}) | has
    credential = set(s["1.5"].blocks[0]["credentials"][0])
    member_text = bullet(v1, "Member (")
    member_v1 = set(inline_objects(member_text)[0]["member"]) | key_list(member_text.split("field table")[1])
    owners_text = bullet(v1, "Identity:")
    owners = set(re.findall(r'"([a-z_]+)"(?=\s*[:,}\]])', owners_text.split('"account_owners"')[1]))
    account_number_doc = set(s["1.10"].blocks[0]["account_numbers"][0])
    pagination_v1 = json.loads("{" + re.search(r'`("pagination": \{.*?\})`', v1).group(1) + "}")["pagination"]
    return {
        "g21": {
            "user": frozenset(s["1.1"].blocks[1]["user"]),
            "session": frozenset(s["1.3"].inline[1]["session"]),
            "institution": frozenset(institution_g21),
            "pagination_data": frozenset(s["1.4"].blocks[0]["pagination_data"]),
            "credential": frozenset(credential),
            "member": frozenset(key_list(bullet(strict, "member:"))),
            "challenge": frozenset(s["1.9"].inline[0]["challenges"][0]),
            "account_number": frozenset(key_list(bullet(strict, "account number:"))),
            "account": frozenset(key_list(bullet(strict, "account ("))),
            "account_owner": None,
            "pagination": None,
        },
        "v1": {
            "user": frozenset(s["1.1"].blocks[1]["user"]),  # MDX users: one generation of docs only
            "session": frozenset(s["1.3"].inline[1]["session"]),
            "institution": frozenset(institution_v1),
            "pagination_data": None,
            "credential": frozenset(credential - {"options"}),
            "member": frozenset(member_v1),
            "challenge": frozenset(s["1.9"].inline[0]["challenges"][0]),
            "account_number": frozenset(account_number_doc | {"passed_validation"}),
            "account": None,
            "account_owner": frozenset(owners - {"account_owners"}),
            "pagination": frozenset(pagination_v1),
        },
    }


def v1_chapter() -> str:
    return chapter(2)


# The guide's placeholders for values the earlier steps produced.
PLACEHOLDERS = (":client_id", ":user_id", ":member_guid")
