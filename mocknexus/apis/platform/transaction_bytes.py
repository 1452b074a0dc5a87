"""A page of transactions written from kept bytes: each transaction's JSON, kept by what it was made from.

A page of 100 transactions is ~126 kB of MX's fields; making each one's record, dumping it through its schema
and encoding it is most of what a page read again costs. What a transaction's JSON says follows from its
`views.RecordInputs` (the bank's transaction, what the aggregations made of it: created, updated, status, the
partner's edit; its member, user and currency) and the schema written with (version, dialect, `includes`),
and from nothing else: that pair is the key, so a change (a posting, an edit, a new aggregation) is a new key,
never stale bytes. A page whose transactions are all kept is the schema's own body with its list spliced in
from the kept parts; any other is made whole, as `render` makes it, and its transactions kept (copies of their
slices of it).

Kept in one process-wide store from a page's second read on (the first is only remembered), the least recently
used dropped past `MAX_BYTES` (the JSON plus an estimate of each entry's own objects: its key's tuples, the
bytes object, the dict slot).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import Response
from marshmallow import Schema, fields

from mocknexus.apis.platform.transaction_text import transactions_text
from mocknexus.domain.core.pagination import Page
from mocknexus.domain.data import views
from mocknexus.domain.data.views import RecordInputs
from mocknexus.schemas.fastdump import dumper
from mocknexus.web.http import encode, render_viewed

MAX_BYTES = 16 * 1024 * 1024  # ~10 000 transactions (100 pages of 100)
PAGES_REMEMBERED = 4096  # pages read once, by their fingerprint (an int: ~0.1 kB each)
ENTRY_OVERHEAD = 450  # what an entry holds beyond its JSON (measured ~430 B)
_LIST_KEY = "transactions"
_EMPTY_LIST = b'"transactions":[]'
_LIST_OPENING_KEY = b'"transactions":['
_LIST_OPENING = b'{"transactions":['  # what a list body's first transaction follows
_LIST_CLOSING = b'],"pagination":'  # and where its last one ends


class _Kept:
    """Transactions' JSON by (schema, inputs), least recently used first, and the pages read once lately."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.parts: OrderedDict[tuple[Schema, RecordInputs], bytes] = OrderedDict()
        self.read_once: OrderedDict[int, None] = OrderedDict()
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

    def admits(self, fingerprint: int) -> bool:
        """Whether a page (by its fingerprint) was read before, lately: only then are its parts looked for and kept.
        Keeping a page read once costs a first read ~0.3 ms more (measured: fresh memory for every page kept),
        and most pages of a large history are read once."""
        with self.lock:
            if fingerprint in self.read_once:
                return True
            self.read_once[fingerprint] = None
            if len(self.read_once) > PAGES_REMEMBERED:
                self.read_once.popitem(last=False)
            return False

    def clear(self) -> None:
        with self.lock:
            self.parts.clear()
            self.read_once.clear()
            self.size = 0


KEPT = _Kept(MAX_BYTES)


def item_schema(list_schema: Schema) -> Schema:
    """The schema each transaction of `list_schema`'s list is written with."""
    listed = list_schema.fields[_LIST_KEY]
    assert isinstance(listed, fields.List) and isinstance(listed.inner, fields.Nested)
    return listed.inner.schema


def page_bytes(list_schema: Schema, given: list[RecordInputs], page: Page) -> bytes:
    """The list body of these transactions and this page, as `list_schema` (a viewed one) writes it. With every
    transaction kept, the kept parts joined in the schema's own frame; else the whole body made and encoded at
    once (what `render` does: one encoder call per transaction would cost several times its share), and, when
    the same page was read before, its transactions kept as copies of their slices of it."""
    item = item_schema(list_schema)
    if not given:
        return encode(dumper(list_schema)({_LIST_KEY: [], "pagination": page}))
    # Which page this is, roughly (its first and last transactions): only whether to look for kept parts and
    # whether to keep this page's, never which bytes are served. A page not read lately is made, not looked up.
    fingerprint = hash((item, given[0].raw.guid, given[-1].raw.guid, len(given)))
    if not KEPT.admits(fingerprint):
        return _made(list_schema, given, page)
    keys = [(item, g) for g in given]
    found = KEPT.found(keys)
    if all(part is not None for part in found):
        frame = encode(dumper(list_schema)({_LIST_KEY: [], "pagination": page}))
        head, empty, tail = frame.partition(_EMPTY_LIST)
        if empty:
            return b"".join((head, _LIST_OPENING_KEY, b",".join(found), b"]", tail))  # type: ignore[arg-type]
    whole = _made(list_schema, given, page)
    made = _cut(whole, item, len(given))
    if made is not None:
        KEPT.keep([(key, part) for key, part, kept in zip(keys, made, found, strict=True) if kept is None])
    return whole


def _made(list_schema: Schema, given: list[RecordInputs], page: Page) -> bytes:
    """The body as `render` makes it: written straight from the inputs where transaction_text can, else the
    records, dumped and encoded at once."""
    text = transactions_text(item_schema(list_schema), given)
    if text is not None:
        frame = encode(dumper(list_schema)({_LIST_KEY: [], "pagination": page}))
        head, empty, tail = frame.partition(_EMPTY_LIST)
        if empty:
            return b"".join((head, _LIST_OPENING_KEY, text.encode(), b"]", tail))
    records = [views.transaction(g) for g in given]
    return encode(dumper(list_schema)({_LIST_KEY: records, "pagination": page}))


def _cut(whole: bytes, item: Schema, count: int) -> list[bytes] | None:
    """Each transaction's JSON within a list body, as encoding it alone writes it: the body's list cut where one
    transaction ends and the next begins (the closing brace, a comma and the first key's opening: none can occur
    inside a JSON string, whose quotes are escaped). None where the body does not cut into one part each."""
    first = next((field.data_key or name for name, field in item.dump_fields.items()), None)
    opening = _LIST_OPENING
    if not count or first is None or not whole.startswith(opening):
        return None
    between = b'},{"' + first.encode() + b'":'
    # Copies, not views of `whole`: orjson's bytes keep the capacity they grew to (a page's ~126 kB sits in up
    # to twice that), which views would keep alive.
    start, parts = len(opening), []
    for _ in range(count - 1):
        end = whole.find(between, start)
        if end < 0:
            return None
        parts.append(whole[start : end + 1])
        start = end + 2
    end = whole.find(_LIST_CLOSING, start)
    if end < 0 or whole.find(between, start, end) >= 0 or whole[start : start + 1] != b"{":
        return None
    parts.append(whole[start:end])
    return parts


def render_page(list_schema: Schema, given: list[RecordInputs], page: Page) -> Response:
    """`render(list_schema, {"transactions": records, "pagination": page})`'s answer, byte for byte."""
    return render_viewed(list_schema, lambda viewed: page_bytes(viewed, given, page))
