"""Response dialects: the two generations of MX's documentation, derived from one set of schemas.

MX's 2021 *Verification Guide* ("g21") and today's Nexus v1 reference ("v1") disagree on some keys
(see docs/reference/mx-published-examples.md, section 4). Every response field is declared once;
a field that only one generation documents says so in its metadata (`only_in(G21)`), and `view(schema,
dialect)` derives the schema a dialect writes by leaving out the fields of the other generation, all the
way down through nested schemas. `union` (the default) is the declared schema itself: every key of both.

Fields may also adapt their format to a dialect (timestamps: `+00:00` in g21, `.000Z` in v1) by defining
`for_dialect(dialect) -> Field`.
"""

from __future__ import annotations

import copy
import functools
from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, fields

from mocknexus.schemas.common import MXDateTime

G21, V1, UNION = "g21", "v1", "union"
DIALECTS = (UNION, G21, V1)
_DIALECTS_KEY = "mx_dialects"
DIALECT_ATTR = "__mx_dialect__"  # set on a dialect's view class: the dialect it writes


def only_in(*dialects: str, **metadata: Any) -> dict[str, Any]:
    """Field metadata: the generations of MX's documentation that have this key (union has them all).
    The OpenAPI document shows them as `x-mx-dialects` (in `union`, where both generations' keys appear)."""
    return {**metadata, _DIALECTS_KEY: frozenset(dialects), "x-mx-dialects": sorted(dialects) or [UNION]}


def belongs(field: fields.Field, dialect: str) -> bool:
    wanted = field.metadata.get(_DIALECTS_KEY)
    return dialect == UNION or wanted is None or dialect in wanted


def view(schema: Schema, dialect: str) -> Schema:
    """`schema` as `dialect` writes it. Instances are cached on the schema, so that fastdump plans each once."""
    if dialect == UNION:
        return schema
    views = schema.__dict__.setdefault("_dialect_views", {})
    found = views.get(dialect)
    if found is None:
        found = views[dialect] = view_class(type(schema), dialect)(many=schema.many)
    return found


@functools.cache
def view_class(cls: type[Schema], dialect: str) -> type[Schema]:
    """A subclass of `cls` without the other generation's fields, its nested schemas viewed the same way; `cls`
    itself where the dialect changes nothing in it. It keeps the class name, so the OpenAPI document names its
    components as for `union` (web/openapi.py names the union class `...Union` where both appear)."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown MX dialect {dialect!r} (one of {', '.join(DIALECTS)})")
    declared: dict[str, fields.Field] = cls._declared_fields  # type: ignore[attr-defined]
    dropped = tuple(name for name, field in declared.items() if not belongs(field, dialect))
    attrs: dict[str, Any] = {
        name: adapted
        for name, field in declared.items()
        if name not in dropped and (adapted := _adapt(field, dialect)) is not field
    }
    if not dropped and not attrs:
        return cls
    base_meta = getattr(cls, "Meta", object)
    attrs[DIALECT_ATTR] = dialect
    attrs["Meta"] = type("Meta", (base_meta,), {"exclude": (*getattr(base_meta, "exclude", ()), *dropped)})
    attrs["__module__"] = cls.__module__
    attrs["__qualname__"] = cls.__qualname__
    return type(cls.__name__, (cls,), attrs)


def is_view(cls: type[Schema]) -> bool:
    """Whether `cls` is a dialect's view of a declared schema (not the declared, union, schema itself)."""
    return DIALECT_ATTR in cls.__dict__


def _adapt(field: fields.Field, dialect: str) -> fields.Field:
    if isinstance(field, fields.Nested) and isinstance(field.nested, type):
        inner = view_class(field.nested, dialect)
        if inner is field.nested:
            return field
        adapted = copy.copy(field)
        adapted.nested = inner
        adapted._schema = None  # type: ignore[attr-defined]  # marshmallow caches the bound schema
        return adapted
    if isinstance(field, fields.List):
        inner_field = _adapt(field.inner, dialect)
        if inner_field is field.inner:
            return field
        adapted = copy.copy(field)
        adapted.inner = inner_field
        return adapted
    for_dialect = getattr(field, "for_dialect", None)
    return for_dialect(dialect) if for_dialect else field


class Timestamp(MXDateTime):
    """MX's timestamps, always in UTC: `2016-10-13T18:07:57.000Z` (v1, union) or `2021-10-26T19:43:53+00:00`
    (g21: what 2021-era clients received)."""

    g21 = False

    def for_dialect(self, dialect: str) -> Timestamp:
        adapted = copy.copy(self)
        adapted.g21 = dialect == G21
        return adapted

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        if self.g21:
            return value.strftime("%Y-%m-%dT%H:%M:%S+00:00")
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
