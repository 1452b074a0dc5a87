"""SSO API v3 bodies (media type application/vnd.moneydesktop.sso.v3+json)."""

from __future__ import annotations

from marshmallow import Schema, fields


class ApiTokenSchema(Schema):
    token = fields.String()


class ApiTokenResponse(Schema):
    api_token = fields.Nested(ApiTokenSchema)
