"""A page of transactions written from kept bytes: each transaction's JSON, kept by what it was made from.

A page of 100 transactions is ~126 kB of MX's fields; making each one's record, dumping it through its schema
and encoding it is most of what a page read again costs. What a transaction's JSON says follows from its
`views.RecordInputs` (the bank's transaction, what the aggregations made of it: created, updated, status, the
partner's edit; its member, user and currency) and the schema written with (version, dialect, `includes`),
and from nothing else: that pair is the key, so a change (a posting, an edit, a new aggregation) is a new key,
never stale bytes. The page is the schema's own body with its list spliced in from the kept parts.

Kept in one process-wide store, the least recently used dropped past `MAX_BYTES` (the JSON plus an estimate of
each entry's own objects: its key's tuples, the dict and list slots).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import Response
from marshmallow import Schema, fields

from mocknexus.domain.core.pagination import Page
from mocknexus.domain.data import views
from mocknexus.domain.data.views import RecordInputs
from mocknexus.schemas.fastdump import dumper
from mocknexus.web.http import encode, render_viewed

MAX_BYTES = 48 * 1024 * 1024
ENTRY_OVERHEAD = 400  # what an entry holds beyond its JSON: the key's two tuples, the bytes object, the slot
_LIST_KEY = "transactions"
_EMPTY_LIST = b'"transactions":[]'


class _Kept:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.parts: OrderedDict[tuple[Schema, RecordInputs], bytes] = OrderedDict()
        self.lock = threading.Lock()

    def found(self, keys: list[tuple[Schema, RecordInputs]]) -> list[bytes | None]:
        parts = self.parts
        with self.lock:
            got = [parts.get(key) for key in keys]
            for key, part in zip(keys, got, strict=True):
                if part is not None:
                    parts.move_to_end(key)
        return got

    def keep(self, made: list[tuple[tuple[Schema, RecordInputs], bytes]]) -> None:
        parts = self.parts
        with self.lock:
            for key, part in made:
                if key not in parts:
                    parts[key] = part
                    self.size += len(part) + ENTRY_OVERHEAD
            while self.size > self.limit and parts:
                _, dropped = parts.popitem(last=False)
                self.size -= len(dropped) + ENTRY_OVERHEAD

    def clear(self) -> None:
        with self.lock:
            self.parts.clear()
            self.size = 0


KEPT = _Kept(MAX_BYTES)


def item_schema(list_schema: Schema) -> Schema:
    """The schema each transaction of `list_schema`'s list is written with."""
    listed = list_schema.fields[_LIST_KEY]
    assert isinstance(listed, fields.List) and isinstance(listed.inner, fields.Nested)
    return listed.inner.schema


def transaction_bytes(item: Schema, given: list[RecordInputs]) -> list[bytes]:
    """Each transaction's JSON as `item` writes it: kept ones as kept, the others made (and kept)."""
    keys = [(item, g) for g in given]
    found = KEPT.found(keys)
    if all(part is not None for part in found):
        return found  # type: ignore[return-value]
    dump = dumper(item)
    missing = [index for index, part in enumerate(found) if part is None]
    made = _encode_each([dump(views.transaction(given[index])) for index in missing])
    for index, part in zip(missing, made, strict=True):
        found[index] = part
    KEPT.keep([(keys[index], part) for index, part in zip(missing, made, strict=True)])
    return found  # type: ignore[return-value]


def _encode_each(bodies: list[dict]) -> list[bytes]:
    """Each body's JSON, as encoding it alone writes it: one encoding of the list, cut where one body ends and the
    next begins (its first key's opening; none can occur inside a JSON string, whose quotes are escaped), since
    one encoder call per body costs several times its share of one call for all (measured: ~3 us a transaction
    against ~0.5). Should the cut not give one part per body, each is encoded alone."""
    if len(bodies) < 2 or not bodies[0]:
        return [encode(body) for body in bodies]
    opening = b"{" + encode(next(iter(bodies[0]))) + b":"
    cut = encode(bodies)[1:-1].split(b"}," + opening)
    if len(cut) != len(bodies):
        return [encode(body) for body in bodies]
    return [cut[0] + b"}", *(opening + part + b"}" for part in cut[1:-1]), opening + cut[-1]]


def render_page(list_schema: Schema, given: list[RecordInputs], page: Page) -> Response:
    """`render(list_schema, {"transactions": records, "pagination": page})`'s answer, byte for byte."""

    def write(viewed: Schema) -> bytes:
        parts = transaction_bytes(item_schema(viewed), given)
        frame = encode(dumper(viewed)({_LIST_KEY: [], "pagination": page}))
        head, found, tail = frame.partition(_EMPTY_LIST)
        assert found, "the list body leads with its transactions"
        return b"".join((head, b'"transactions":[', b",".join(parts), b"]", tail))

    return render_viewed(list_schema, write)
