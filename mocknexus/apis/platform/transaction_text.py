"""A page's transactions written straight to JSON text from what each is made from (`views.RecordInputs`),
without the record, the dumped dict and the encoder: what a page read for the first time costs most of.

A transaction's JSON is, key for key, the item schema's dump of its record. Most of it follows from a few of
its inputs (its account, type, category, merchant, description, status, member, user and currency: the
"class" of the transaction, a few hundred in a world), the rest is eight values of its own: `guid`, `amount`,
`date`, `original_description` and the four timestamps (the holes). So each class's JSON is made once through
the schema itself (its record dumped as every answer is, each hole's value replaced by a marker, encoded, cut
at the markers) and kept as a template; a transaction of that class is its template filled with its holes'
text, written as the encoder writes them (a float's `repr` is orjson's text wherever it has no exponent, a
timestamp is the field's own text, strings needing no escape go in as they are).

Anything outside that is made as before: a schema whose fields or hooks could read a hole some other way (it
is then never written here), a transaction with a partner's edit, a memo or an id (one JSON dump of its own),
and a page with a value the template would write differently from the encoder (a float in exponent form, a
string needing an escape, a lone surrogate: the whole page is made the ordinary way). The class covers every
input `views.transaction` reads that is not a hole; a record field made from a hole some new way would be
baked into the template, which `tests/platform/test_transaction_text.py` (pages of many transactions of each
class against marshmallow's dump, every version, dialect and `includes`) would show. bench/transactions_hash.py
checks 1 228 bodies byte for byte.
"""

from __future__ import annotations

import re
from datetime import UTC

import orjson
from marshmallow import Schema, fields

from mocknexus.apis.platform.schemas.common import _MINUTE_TEXTS, _SECOND_TEXTS, PlatformTime, _day_text, time_text
from mocknexus.apis.platform.schemas.v20250224.common import NoNulls
from mocknexus.domain.data import views
from mocknexus.domain.data.views import RecordInputs
from mocknexus.domain.data.visibility import POSTED
from mocknexus.schemas.fastdump import dumper

# The record attributes a transaction has of its own, with the field each must be written by (anything else
# reading one of them, or a different field, and the schema is not written here).
_HOLES: dict[str, type[fields.Field]] = {
    "amount": fields.Float,
    "created_at": PlatformTime,
    "date": fields.String,
    "guid": fields.String,
    "original_description": fields.String,
    "posted_at": PlatformTime,
    "transacted_at": PlatformTime,
    "updated_at": PlatformTime,
}
_MARK_HEAD = "@@mocknexus-hole-"
_MARK = _MARK_HEAD + "{}@@"
TEMPLATES_KEPT = 4096  # classes of transaction per schema (a world has a few hundred)
# What orjson does not write as it is inside quotes: the quote, the backslash and control characters (it escapes
# them), lone surrogates (it refuses them: web/http.py's `encode` then writes the page with the standard library).
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f\ud800-\udfff]').search
_kept_time_text = PlatformTime.serialize_value


class _Plan:
    """How one item schema's transactions are written: templates by class (each its nine chunks around the
    eight holes, in `_HOLES`' order, which is the schema's)."""

    def __init__(self, item: Schema) -> None:
        self.item = item
        self.outs = [_out(item, hole) for hole in _HOLES]  # each hole's key
        self.templates: dict[tuple, tuple[str, ...]] = {}

    def template(self, given: RecordInputs) -> tuple[str, ...]:
        """`given`'s class's template: the schema's JSON of its record cut at its holes' values, each hole a
        string's inside or (`amount`; `posted_at` while pending: null) a whole value. Empty where the dump
        cannot be cut so (the page is then made the ordinary way)."""
        data = dumper(self.item)(views.transaction(given))
        if not isinstance(data, dict) or any(out not in data for out in self.outs):
            return ()
        marks = [_MARK.format(index) for index in range(len(self.outs))]
        inside = [type(data[out]) is str for out in self.outs]
        if inside != [False, True, True, True, True, given.status == POSTED, True, True]:
            return ()
        for out, mark in zip(self.outs, marks, strict=True):
            data[out] = mark
        try:
            text = orjson.dumps(data).decode()
        except TypeError:
            return ()
        pieces, rest = [], text
        for mark, within in zip(marks, inside, strict=True):
            head, found, rest = rest.partition(mark if within else f'"{mark}"')
            if not found or _MARK_HEAD in head:
                return ()
            pieces.append(head)
        if _MARK_HEAD in rest:
            return ()
        return (*pieces, rest)


def _out(item: Schema, attr: str) -> str:
    field = next(f for n, f in item.dump_fields.items() if (f.attribute or n) == attr)
    return field.data_key or next(n for n, f in item.dump_fields.items() if f is field)


def _plan(item: Schema) -> _Plan | None:
    """The plan for `item`, or None when its fields or hooks could make a transaction's JSON other than
    template and holes: a hole read by another kind of field (or twice), a field computed from the whole record
    (not a constant), a hook other than v20250224's dropping of nulls, or one dropping a hole."""
    hooks = {name for tag, names in item._hooks.items() for name, *_ in names} if item._hooks else set()
    if hooks - {"_drop_nulls"} or any(tag != "post_dump" for tag, names in item._hooks.items() if names):
        return None
    holes: list[str] = []
    for name, field in item.dump_fields.items():
        attr = field.attribute or name
        if isinstance(field, fields.Function | fields.Method):
            if not hasattr(getattr(field, "serialize_func", None), "fastdump_constant"):
                return None
            continue
        if attr in _HOLES:
            if type(field) is not _HOLES[attr] or attr in holes or getattr(field, "as_string", False):
                return None
            holes.append(attr)
    if holes != list(_HOLES):  # all of them, in this order (the writer's)
        return None
    if hooks and not (isinstance(item, NoNulls) and not {_out(item, h) for h in holes} & set(item.never_null)):
        return None
    return _Plan(item)


def plan_of(item: Schema) -> _Plan | None:
    """`item`'s plan, worked out once and kept on the schema (as fastdump keeps its dumper)."""
    try:
        return item.__dict__["_transaction_text_plan"]
    except KeyError:
        found = item.__dict__["_transaction_text_plan"] = _plan(item)
        return found


def transactions_text(item: Schema, given: list[RecordInputs]) -> str | None:
    """The JSON of `given`'s transactions as the list `[...]`'s inside (comma-separated), written as `item`
    dumps and orjson encodes them; None when this page must be made the ordinary way."""
    plan = plan_of(item)
    if plan is None:
        return None
    templates, make = plan.templates, plan.template
    escape, kept_text, own_text = _NEEDS_ESCAPE, _kept_time_text, time_text
    days, minutes, seconds = _day_text, _MINUTE_TEXTS, _SECOND_TEXTS
    written: list[str] = []
    extend = written.extend
    for g in given:
        # Each read once, by unpacking (RecordInputs' and Raw's fields in order: a field read by name costs more).
        raw, created_at, updated_at, status, edit, member_guid, user_guid, user_id, currency = g
        (guid, account_guid, at, posted_at, amount, pending, type_, category_guid, merchant_guid, description,
         original, memo, id_, _, _) = raw  # fmt: skip
        posted = status == POSTED
        if edit is not None or memo is not None or id_ is not None or (posted and posted_at is None):
            try:  # its own JSON, as the encoder writes it within the page
                extend((orjson.dumps(dumper(item)(views.transaction(g))).decode(), ","))
            except TypeError:
                return None
            continue
        key = (status, account_guid, type_, category_guid, merchant_guid, description, member_guid, user_guid,
               user_id, currency)  # fmt: skip
        template = templates.get(key)
        if template is None:
            if len(templates) >= TEMPLATES_KEPT:
                templates.clear()
            template = templates[key] = make(g)
        if not template:
            return None
        if not posted:
            amount = pending
        if type(amount) is float:  # its repr, where that is orjson's text (no exponent, not inf or nan)
            amount_text = repr(amount)
            if "e" in amount_text or "n" in amount_text:
                return None
        else:
            amount_text = _amount_text(amount)
            if amount_text is None:
                return None
        if escape(guid) or escape(original):
            return None  # a string with an escape in it: the encoder's text, the whole page
        # Its time (mostly written once: not kept) and date: for a UTC time of a 4-digit year, PlatformTime's text
        # from its parts inline, the date its day part's; else the field's text and the date's ISO text.
        if at.tzinfo is UTC and 1000 <= at.year <= 9999:
            day_text = days(at.toordinal())
            day = day_text[:10]
            at_text = day_text + minutes[at.hour * 60 + at.minute] + seconds[at.second]
        else:
            at_text, day = own_text(at), at.date().isoformat()
        c0, c1, c2, c3, c4, c5, c6, c7, c8 = template
        extend((
            c0, amount_text, c1, kept_text(created_at), c2, day, c3, guid, c4, original,
            c5, kept_text(posted_at) if posted else "null", c6, at_text, c7, kept_text(updated_at), c8, ",",
        ))  # fmt: skip
    if written:
        written.pop()  # the last comma
    return "".join(written)


def _amount_text(amount: object) -> str | None:
    """A float's JSON text as orjson writes it: its `repr` wherever that has no exponent (checked over a million
    floats of every magnitude); an int's as a Float field writes it (as a float: a generated rent or transfer is
    a whole number); None for anything else."""
    if type(amount) is int and -(10**15) < amount < 10**15:
        amount = float(amount)
    if type(amount) is not float:
        return None
    text = repr(amount)
    return None if "e" in text or "n" in text else text  # 1e+16, inf, nan
