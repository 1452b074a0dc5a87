"""Records a PostgreSQL replica keeps decoded, by their stored text, and hands out as copies (store/postgres.py).

A read of a record that the database confirmed gives its stored text; the same text always decodes to the same
value, so a replica decodes a text once and keeps the value by (table, text): nothing here can go stale, since a
record written anew has a new text (the copies of postgres_cache.py say which text is current). Decoding a
member (json.loads, then its dataclass and the nested records of its timeline, its job, its OAuth state) was a
tenth of a member read's CPU on this store; a copy costs a fraction of that.

The domain changes the records it reads and writes them back, and a request may be run again (WorldMoved): the
value kept is never handed out, each read gets a copy of its own, as deep as the value's mutable parts (a
record's lists, dicts and nested records; strings, numbers, datetimes and enum members are shared, being
immutable).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime
import decimal
import enum
import threading
import types
import typing
from collections.abc import Callable
from typing import Any

# The texts of the values kept, all dropped when past it: a bound on memory (a member takes 3 bytes a character,
# its text and its value: ~6 MB).
MAX_CHARS = 2_000_000
IMMUTABLE: set[type] = {
    str,
    int,
    float,
    bool,
    type(None),
    bytes,
    datetime.datetime,
    datetime.date,
    datetime.time,
    datetime.timedelta,
    decimal.Decimal,
}

Copier = Callable[[Any], Any]


class Decoded:
    """Values by (table, their stored text), shared by a replica's threads (a lost race decodes twice)."""

    def __init__(self, decode: Callable[[str, str], Any], max_chars: int = MAX_CHARS) -> None:
        self._decode = decode
        self._kept: dict[tuple[str, str], tuple[Any, Copier | None]] = {}
        self._chars = 0
        self._max_chars = max_chars
        self._lock = threading.Lock()

    def value(self, table: str, text: str) -> Any:
        """The value `text` decodes to in `table`, a copy of its own for the caller."""
        value, copy_of = self._found(table, text)
        return value if copy_of is None else copy_of(value)

    def shared(self, table: str, text: str) -> Any:
        """The value kept for `text`, not a copy: for a caller that changes nothing (`Store.shared_values`)."""
        return self._found(table, text)[0]

    def _found(self, table: str, text: str) -> tuple[Any, Copier | None]:
        found = self._kept.get((table, text))
        return found if found is not None else self._keep(table, text, self._decode(table, text))

    def keep(self, table: str, text: str, value: Any) -> None:
        """`value`, just encoded as `text` by this replica (a write): its next read here needs no decode. A copy
        is kept, as the writer may change `value` after."""
        if (table, text) not in self._kept:
            self._keep(table, text, copy_of(value))

    def warm(self, table: str, text: str) -> None:
        """`text` decoded now, ahead of a read (another replica wrote it: postgres_notify.py, off a request's
        thread). A text that does not decode is left to the read, which fails as it would have."""
        if (table, text) not in self._kept:
            with contextlib.suppress(Exception):  # whatever the decoder raises: the read raises it, not the listener
                self._keep(table, text, self._decode(table, text))

    def _keep(self, table: str, text: str, value: Any) -> tuple[Any, Copier | None]:
        found = (value, copier(type(value)))
        with self._lock:
            if self._chars + len(text) > self._max_chars:
                self._kept.clear()
                self._chars = 0
            self._kept[(table, text)] = found
            self._chars += len(text)
        return found


_copiers: dict[type, Copier | None] = {}


def copier(kind: type) -> Copier | None:
    """How to copy a value of type `kind` (None: it is immutable, shared as it is)."""
    try:
        return _copiers[kind]
    except KeyError:
        pass
    if kind in IMMUTABLE or issubclass(kind, enum.Enum) or _frozen_record(kind):
        IMMUTABLE.add(kind)  # an enum's members, a frozen record: checked as the built-in ones are, without a call
        found = None
    elif kind is dict:
        found = _copy_dict
    elif kind is list:
        found = _copy_list
    elif kind is tuple:
        found = _copy_tuple
    elif dataclasses.is_dataclass(kind) and not hasattr(kind, "__slots__"):
        found = _record_copier(kind)
    else:
        found = copy.deepcopy  # anything else: slower, still a copy of its own
    _copiers[kind] = found
    return found


def copy_of(value: Any) -> Any:
    """A copy of `value`, as deep as its mutable parts."""
    kind = type(value)
    found = _copiers[kind] if kind in _copiers else copier(kind)
    return value if found is None else found(value)


def _copy_dict(value: dict) -> dict:
    return {key: item if type(item) in IMMUTABLE else copy_of(item) for key, item in value.items()}


def _copy_list(value: list) -> list:
    return [item if type(item) in IMMUTABLE else copy_of(item) for item in value]


def _copy_tuple(value: tuple) -> tuple:
    return tuple(item if type(item) in IMMUTABLE else copy_of(item) for item in value)


def _record_copier(kind: type) -> Copier:
    """A dataclass's copier: a new instance (its __init__ and __post_init__ not run again: the state copied is
    what they made) with the original's attributes, those whose type hint is mutable copied. The values copied
    come from the decoder, whose fields are of their hinted types (snapshot.from_data checks them); one with
    other attributes than its fields is copied attribute by attribute, each as deep as it is mutable."""
    names = frozenset(f.name for f in dataclasses.fields(kind))
    try:
        hints = typing.get_type_hints(kind)
    except (NameError, TypeError):  # a hint that does not resolve: every field checked as it is copied
        hints = {}
    mutable = sorted(name for name in names if not _immutable(hints.get(name, Any)))
    checks = "".join(
        f"    v = d[{name!r}]\n    if type(v) not in IMMUTABLE:\n        n[{name!r}] = copy_of(v)\n" for name in mutable
    )
    source = (
        "def copy_record(value):\n"
        "    d = value.__dict__\n"
        "    if d.keys() != NAMES:\n"
        "        return every(value)\n"
        "    n = d.copy()\n"
        f"{checks}"
        "    made = new(kind)\n"
        "    made.__dict__ = n\n"
        "    return made\n"
    )
    scope = {
        "IMMUTABLE": IMMUTABLE,
        "NAMES": names,
        "copy_of": copy_of,
        "every": _attribute_copier(kind),
        "new": object.__new__,
        "kind": kind,
    }
    exec(compile(source, f"<copier of {kind.__qualname__}>", "exec"), scope)  # its text made of field names alone
    return scope["copy_record"]


def _attribute_copier(kind: type) -> Copier:
    new = object.__new__

    def copy_record(value: Any) -> Any:
        made = new(kind)
        made.__dict__.update(
            {name: item if type(item) in IMMUTABLE else copy_of(item) for name, item in value.__dict__.items()}
        )
        return made

    return copy_record


def _frozen_record(kind: type) -> bool:
    """A frozen dataclass whose every field is immutable (a timeline's entry): shared, never copied."""
    if not (dataclasses.is_dataclass(kind) and kind.__dataclass_params__.frozen):  # type: ignore[attr-defined]
        return False
    try:
        hints = typing.get_type_hints(kind)
    except (NameError, TypeError):
        return False
    return all(_immutable(hints.get(f.name, Any)) for f in dataclasses.fields(kind))


def _immutable(hint: Any) -> bool:
    """Whether every value of type `hint` is immutable (an optional one too)."""
    if hint in IMMUTABLE or (isinstance(hint, type) and (issubclass(hint, enum.Enum) or _frozen_record(hint))):
        return True
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return all(_immutable(option) for option in typing.get_args(hint))
    return typing.get_origin(hint) is typing.Literal
