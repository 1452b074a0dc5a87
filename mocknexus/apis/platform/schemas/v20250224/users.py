"""Users in v20250224: MX's UserResponse types `email` a string, never null."""

from __future__ import annotations

from marshmallow import Schema, fields

from mocknexus.apis.platform.schemas.common import PlatformPagination
from mocknexus.apis.platform.schemas.users import PlatformUser
from mocknexus.apis.platform.schemas.v20250224.common import NoNulls


class UserV20250224(NoNulls, PlatformUser):
    never_null = ("email",)


class UserResponseV20250224(Schema):
    user = fields.Nested(UserV20250224)


class UserListV20250224(Schema):
    users = fields.List(fields.Nested(UserV20250224))
    pagination = fields.Nested(PlatformPagination)
