"""A faster `schema.dump` for the hot path, planned once from the schema itself (still the one source).

marshmallow's generic machinery (accessors, defaults, per-field dispatch) is most of a response's cost.
`dumper(schema)` walks the schema's fields once and returns a function that calls each field's own
`_serialize` directly (or, for a field that offers one, its `serialize_value(value)`: a pure function of the
value, None included). Schemas with dump hooks, or fields it does not know, fall back to `schema.dump`;
a test checks that both give identical output for every response schema.

An object that is not a dict is dumped by a function compiled from the same plan (one line per field, no
loop, no per-field call where a plain value passes as is): a list of 100 transactions of ~50 keys each is
5000 fields, and the loop's own overhead was most of their cost.
"""

from __future__ import annotations

import inspect
import keyword
from collections.abc import Callable
from typing import Any

from marshmallow import Schema, fields
from marshmallow.utils import missing

Dumper = Callable[[Any], Any]
_MISSING = missing


def constant(value: Any) -> Callable[[Any], Any]:
    """A `fields.Function`'s function that gives `value` whatever the object: the compiled dump writes the value
    itself instead of calling it (a transaction has 15 such keys, MX's that mocknexus has no data for)."""

    def give(_obj: Any) -> Any:
        return value

    give.fastdump_constant = value  # type: ignore[attr-defined]
    return give


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
    kinds: list[tuple[str, Any]] = []  # per step, what the compiled dumper does with it
    for name, field in schema.dump_fields.items():
        out = field.data_key or name
        attr = field.attribute or name
        if isinstance(field, fields.Nested):
            inner = dumper(field.schema)
            many = bool(field.many)
            steps.append((out, attr, _nested(inner, many), True))
            kinds.append(("nested_many" if many else "nested", inner))
        elif isinstance(field, fields.List) and isinstance(field.inner, fields.Nested):
            inner = dumper(field.inner.schema)
            steps.append((out, attr, _nested(inner, True), True))
            kinds.append(("nested_many", inner))
        elif type(field).serialize is not fields.Field.serialize:
            return schema.dump  # a field with its own serialize(): not ours to second-guess
        else:
            steps.append((out, attr, _field(field, attr), field._CHECK_ATTRIBUTE))
            plain = _PLAIN.get(type(field))
            by_value = _by_value(field)
            if not field._CHECK_ATTRIBUTE:
                function = _one_argument(field)
                kinds.append(("function", function) if function else ("computed", field._serialize))
            elif plain is not None and not getattr(field, "as_string", False):
                kinds.append(("plain", (plain, field._serialize)))
            elif by_value is not None:
                kinds.append(("by_value", by_value))
            else:
                kinds.append(("field", steps[-1][2]))
    compiled = _compile(steps, kinds)

    def dump(obj: Any) -> dict:
        if not isinstance(obj, dict):
            return compiled(obj)
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


def _by_value(field: fields.Field) -> Callable[[Any], Any] | None:
    """A field's `serialize_value`, where its `_serialize` is the one written beside it (not a subclass's)."""
    owner = next((c for c in type(field).__mro__ if "serialize_value" in c.__dict__), None)
    if owner is None or type(field)._serialize is not owner._serialize:
        return None
    return field.serialize_value  # type: ignore[attr-defined]


def _one_argument(field: fields.Field) -> Callable[[Any], Any] | None:
    """A fields.Function's function when marshmallow would call it with the object alone (one parameter)."""
    function = getattr(field, "serialize_func", None)
    if type(field) is not fields.Function or function is None or not _takes_one_argument(function):
        return None
    return function


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


def _compile(steps: list[tuple[str, str, Callable[[Any, Any], Any], bool]], kinds: list[tuple[str, Any]]) -> Dumper:
    """The plan as Python functions over an object's attributes (what `dump` does for a non-dict): one that
    reads every attribute straight, and, should one be missing, one that leaves out what the object lacks."""
    names: dict[str, Any] = {"_MISSING": _MISSING}
    safe, fast = ["def safe(obj):", "    result = {}"], ["def dump(obj):", "    try:", "        result = {}"]
    for index, ((out, attr, _, _), (kind, how)) in enumerate(zip(steps, kinds, strict=True)):
        key = repr(out)
        if kind == "computed":  # a field that reads no attribute: its value as it gives it
            names[f"s{index}"] = how
            value = f"s{index}(None, {attr!r}, obj)"
        elif kind == "function" and hasattr(how, "fastdump_constant"):  # `constant(value)`: the value itself
            names[f"k{index}"] = how.fastdump_constant
            value = f"k{index}"
        elif kind == "function":  # fields.Function(f) with f of the object alone: what its _serialize calls
            names[f"f{index}"] = how
            value = f"f{index}(obj)"
        elif kind == "plain":  # a str (int, bool, float) or None passes as is; anything else goes to the field
            names[f"t{index}"], names[f"s{index}"] = how
            value = f"v if v is None or type(v) is t{index} else s{index}(v, {attr!r}, obj)"
        elif kind == "by_value":  # a field whose text is a function of the value alone (its serialize_value)
            names[f"b{index}"] = how
            value = f"b{index}(v)"
        elif kind == "nested":
            names[f"d{index}"] = how
            value = f"None if v is None else d{index}(v)"
        elif kind == "nested_many":
            names[f"d{index}"] = how
            value = f"None if v is None else [d{index}(x) for x in v]"
        else:
            names[f"c{index}"] = how
            value = f"c{index}(v, obj)"
        if kind in ("computed", "function"):
            safe.append(f"    result[{key}] = {value}")
            fast.append(f"        result[{key}] = {value}")
            continue
        safe += [f"    v = getattr(obj, {attr!r}, _MISSING)", "    if v is not _MISSING:"]
        safe.append(f"        result[{key}] = {value}")
        read = f"obj.{attr}" if attr.isidentifier() and not keyword.iskeyword(attr) else f"getattr(obj, {attr!r})"
        fast += [f"        v = {read}", f"        result[{key}] = {value}"]
    safe.append("    return result")
    fast += ["    except AttributeError:", "        return safe(obj)", "    return result"]
    # The source is built above from the schema's own field names.
    exec("\n".join(safe), names)
    exec("\n".join(fast), names)
    return names["dump"]
