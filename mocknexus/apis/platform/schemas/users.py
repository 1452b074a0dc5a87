"""Users: `POST/GET /users`, `GET/PUT/DELETE /users/{user_guid}` (MX's UserResponse, UserCreateRequest)."""

from __future__ import annotations

from marshmallow import Schema, fields

from mocknexus.apis.platform.schemas.common import NotEmpty, PlatformPageQuery, PlatformPagination, flag, text
from mocknexus.schemas.common import RequestSchema, StrictBoolean, StrictString


class PlatformUserFields(RequestSchema):
    """Create and update take the same four optional fields (MX: UserCreateRequest, UserUpdateRequest)."""

    email = StrictString(max_length=255)
    id = StrictString(max_length=255)
    is_disabled = StrictBoolean()
    metadata = StrictString(max_length=8192)


class PlatformUserRequest(RequestSchema):
    user = fields.Nested(PlatformUserFields, required=True)


class PlatformUserUpdateFields(NotEmpty, PlatformUserFields):
    """Update takes the same fields, at least one of them."""


class PlatformUserUpdateRequest(RequestSchema):
    user = fields.Nested(PlatformUserUpdateFields, required=True)


class PlatformUserQuery(PlatformPageQuery):
    id = StrictString(load_default=None, max_length=255)
    email = StrictString(load_default=None, max_length=255)
    is_disabled = fields.Boolean(load_default=None)


class PlatformUser(Schema):
    email = text()
    guid = text()
    id = text()
    is_disabled = flag()
    metadata = text()


class PlatformUserResponse(Schema):
    user = fields.Nested(PlatformUser)


class PlatformUserList(Schema):
    users = fields.List(fields.Nested(PlatformUser))
    pagination = fields.Nested(PlatformPagination)
