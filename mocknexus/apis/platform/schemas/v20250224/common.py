"""What v20250224's schemas share: keys MX declares a non-nullable string (or an enum without null)."""

from __future__ import annotations

from typing import Any, ClassVar

from marshmallow import Schema, post_dump


class NoNulls(Schema):
    """Keys v20250224 gives no null (a plain `string`, or an enum that lists no null) are left out when
    mocknexus has no value for them (INFERRED: MX's document allows no null there, and a typed client reads
    an absent key as unset)."""

    never_null: ClassVar[tuple[str, ...]] = ()

    @post_dump
    def _drop_nulls(self, data: dict, **kwargs: Any) -> dict:
        for key in self.never_null:
            if key in data and data[key] is None:
                del data[key]
        return data
