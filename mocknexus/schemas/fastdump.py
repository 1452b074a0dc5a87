"""A faster `schema.dump` for the hot path, planned once from the schema itself (still the one source).

marshmallow's generic machinery (accessors, defaults, per-field dispatch) is most of a response's cost.
`dumper(schema)` walks the schema's fields once and returns a function that calls each field's own
`_serialize` directly. Schemas with dump hooks, or fields it does not know, fall back to `schema.dump`;
a test checks that both give identical output for every response schema.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from marshmallow import Schema, fields
from marshmallow.utils import missing

Dumper = Callable[[Any], Any]
_MISSING = missing


def dumper(schema: Schema) -> Dumper:
    cached = getattr(schema, "_fast_dumper", None)
    if cached is None:
        cached = _plan(schema)
        schema._fast_dumper = cached  # type: ignore[attr-defined]
    return cached


def _plan(schema: Schema) -> Dumper:
    if schema.many or "pre_dump" in schema._hooks or "post_dump" in schema._hooks:
        return schema.dump
    steps: list[tuple[str, str, Callable[[Any, Any], Any], bool]] = []
    for name, field in schema.dump_fields.items():
        out = field.data_key or name
        attr = field.attribute or name
        if isinstance(field, fields.Nested):
            inner = dumper(field.schema)
            many = bool(field.many)
            steps.append((out, attr, _nested(inner, many), True))
        elif isinstance(field, fields.List) and isinstance(field.inner, fields.Nested):
            inner = dumper(field.inner.schema)
            steps.append((out, attr, _nested(inner, True), True))
        elif type(field).serialize is not fields.Field.serialize:
            return schema.dump  # a field with its own serialize(): not ours to second-guess
        else:
            steps.append((out, attr, _field(field, attr), field._CHECK_ATTRIBUTE))

    def dump(obj: Any) -> dict:
        result = {}
        get = obj.get if isinstance(obj, dict) else None  # decided once per object, not once per field
        for out, attr, convert, needs_value in steps:
            if needs_value:
                value = get(attr, _MISSING) if get is not None else getattr(obj, attr, _MISSING)
                if value is _MISSING:
                    continue  # marshmallow leaves out what the object does not have
            else:
                value = None
            result[out] = convert(value, obj)
        return result

    return dump


# Fields whose _serialize gives back a value of exactly this type unchanged (and None as None).
_PLAIN: dict[type, type] = {fields.String: str, fields.Integer: int, fields.Boolean: bool, fields.Float: float}


def _field(field: fields.Field, attr: str) -> Callable[[Any, Any], Any]:
    serialize = field._serialize
    func = getattr(field, "serialize_func", None)
    if type(field) is fields.Function and func is not None and _takes_one_argument(func):
        return lambda value, obj: func(obj)  # what Function._serialize calls, in marshmallow 3 and 4 alike
    if isinstance(field, fields.List) and type(field.inner) in _PLAIN and not getattr(field.inner, "as_string", False):
        item = _PLAIN[type(field.inner)]  # a list of plain values (a member's account types, say): copied as is
        return lambda value, obj: (
            None if value is None
            else list(value) if all(type(v) is item for v in value)
            else serialize(value, attr, obj)
        )  # fmt: skip
    plain = _PLAIN.get(type(field))
    if plain is not None and not getattr(field, "as_string", False):
        return lambda value, obj: value if value is None or type(value) is plain else serialize(value, attr, obj)
    return lambda value, obj: serialize(value, attr, obj)


def _takes_one_argument(func: Callable[..., Any]) -> bool:
    """marshmallow 3 hands a two-argument serialize function the schema's context too: left to it."""
    try:
        return len(inspect.signature(func).parameters) == 1
    except (TypeError, ValueError):
        return False


def _nested(inner: Dumper, many: bool) -> Callable[[Any, Any], Any]:
    if many:
        return lambda value, obj: None if value is None else [inner(v) for v in value]
    return lambda value, obj: None if value is None else inner(value)
