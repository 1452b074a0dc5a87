"""MDX Real Time user bodies (media type application/vnd.moneydesktop.mdx.v5+json)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from mocknexus.schemas.common import (
    DigitsOrInteger,
    PaginationSchema,
    RequestSchema,
    Rooted,
    StrictBoolean,
    StrictString,
    UnixTime,
)

# MDX user fields: id is letters, digits, - and _, at most 1024 characters, unique per client.
USER_ID = validate.Regexp(r"^[A-Za-z0-9_-]{1,1024}$", error="id may hold only letters, digits, - and _.")


class UserFields(RequestSchema):
    """No defaults: a field absent from an update is left as it is (the domain holds the defaults)."""

    birthdate = StrictString(allow_none=True, max_length=10)
    # The guide sends it as a string ("718") and MX answers an integer: both are accepted.
    credit_score = DigitsOrInteger(allow_none=True, validate=validate.Range(min=300, max=850))
    email = StrictString(allow_none=True, max_length=100)
    first_name = StrictString(allow_none=True, max_length=50)
    last_name = StrictString(allow_none=True, max_length=50)
    gender = StrictString(allow_none=True, validate=validate.OneOf(["MALE", "FEMALE"]))
    phone = StrictString(allow_none=True, max_length=15)
    zip_code = StrictString(allow_none=True, max_length=10)
    metadata = StrictString(allow_none=True, max_length=8192)
    is_disabled = StrictBoolean()


class UserCreateFields(UserFields):
    id = StrictString(required=True, validate=USER_ID, max_length=1024)


class UserCreateRequest(Rooted):
    root = "user"
    user = fields.Nested(UserCreateFields, required=True)


class UserUpdateRequest(Rooted):
    root = "user"
    user = fields.Nested(UserFields, required=True)


class MdxUserSchema(Schema):
    id = fields.String()
    guid = fields.String()
    birthdate = fields.String(allow_none=True)
    credit_score = fields.Integer(allow_none=True)
    email = fields.String(allow_none=True)
    first_name = fields.String(allow_none=True)
    last_name = fields.String(allow_none=True)
    gender = fields.String(allow_none=True)
    phone = fields.Function(lambda u: _us_phone(u.phone), metadata={"type": "string", "nullable": True})
    zip_code = fields.String(allow_none=True)
    metadata = fields.String(allow_none=True)
    is_disabled = fields.Boolean()
    logged_in_at = UnixTime(allow_none=True)


def _us_phone(phone: str | None) -> str | None:
    """MX answers a 10-digit phone as `(505) 555-1234` (the guide's example); anything else as given."""
    digits = "".join(c for c in phone or "" if c.isdigit())
    if phone is None or len(digits) != 10:
        return phone
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


class MdxUserResponse(Schema):
    user = fields.Nested(MdxUserSchema)


class MdxUserListResponse(Schema):
    users = fields.List(fields.Nested(MdxUserSchema))
    pagination = fields.Nested(PaginationSchema)  # JSON only (XML: the page's users)
