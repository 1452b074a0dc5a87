"""Control-plane bodies for webhooks: a world's (or the server's) configuration, the outbox's deliveries and
their attempts, the outbox's filters and wait, and firing an event on demand (application/json)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from mocknexus.apis.admin.schemas.clients import MAX_WAIT_SECONDS
from mocknexus.domain.webhooks.config import masked_url
from mocknexus.domain.webhooks.events import EventType
from mocknexus.domain.webhooks.outbox import STATUSES
from mocknexus.schemas.common import ErrorResponse, QuerySchema, RequestSchema, StrictString

_TYPES = validate.OneOf(EventType.names())


class BasicAuthSchema(Schema):
    username = fields.String(required=True)
    password = fields.String(required=True, metadata={"description": "masked (****) when read back"})


class OAuth2Schema(Schema):
    token_url = fields.String(required=True, metadata={"description": "the partner's client-credentials token URL"})
    client_id = fields.String(required=True)
    client_secret = fields.String(required=True, metadata={"description": "masked (****) when read back"})
    scope = fields.String(allow_none=True)


class WebhookConfigSchema(RequestSchema):
    url = fields.String(allow_none=True, metadata={"description": "where every webhook type is posted"})
    urls = fields.Dict(
        keys=fields.String(validate=_TYPES), values=fields.String(), metadata={"description": "type -> URL"}
    )
    types = fields.List(
        fields.String(validate=_TYPES), allow_none=True, metadata={"description": "only these types (default: all)"}
    )
    basic_auth = fields.Nested(BasicAuthSchema, allow_none=True)
    oauth2 = fields.Nested(OAuth2Schema, allow_none=True)
    timeout = fields.Float(allow_none=True, metadata={"description": "seconds the receiver has to answer"})


class WebhookConfigResponse(Schema):
    config = fields.Nested(WebhookConfigSchema, allow_none=True, metadata={"description": "null: none"})
    source = fields.String(
        metadata={"description": "client (its own), server (/__admin/webhooks, --webhook-url or fixtures) or none"}
    )


class MaskedURL(fields.String):
    """A URL with any password in it (`http://user:secret@host`) masked."""

    def _serialize(self, value, attr, obj, **kwargs):  # type: ignore[no-untyped-def]
        return None if value is None else masked_url(str(value))


class AttemptSchema(Schema):
    number = fields.Integer()
    at = fields.String(metadata={"description": "emulated clock time the attempt started"})
    url = MaskedURL()
    headers = fields.Dict(keys=fields.String(), values=fields.String(), metadata={"description": "secrets masked"})
    status_code = fields.Integer(allow_none=True)
    latency_ms = fields.Float()
    error = fields.String(allow_none=True)
    next_attempt_at = fields.String(allow_none=True)


class DeliverySchema(Schema):
    id = fields.String()
    event_id = fields.String(
        metadata={"description": "the event's id, sent as X-Mocknexus-Event-Id: the same on every retry and redelivery"}
    )
    seq = fields.Integer()
    client_id = fields.String(allow_none=True)
    type = fields.String()
    member_guid = fields.String(allow_none=True)
    user_guid = fields.String(allow_none=True)
    url = MaskedURL()
    payload = fields.Dict(metadata={"description": "the JSON body MX's receiver gets"})
    callback_payload = fields.String(allow_none=True, metadata={"description": "sent as X-CALLBACK-PAYLOAD"})
    created_at = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    attempts = fields.List(fields.Nested(AttemptSchema))
    next_attempt_at = fields.String(allow_none=True)
    fired = fields.Boolean()
    redelivery_of = fields.String(allow_none=True)


class DeliveryResponse(Schema):
    delivery = fields.Nested(DeliverySchema)


class DeliveryListResponse(Schema):
    deliveries = fields.List(fields.Nested(DeliverySchema))


class DeliveryQuery(QuerySchema):
    type = StrictString(load_default=None, validate=_TYPES)
    member_guid = StrictString(load_default=None)
    status = StrictString(load_default=None, validate=validate.OneOf(STATUSES))
    attempts = fields.Integer(
        load_default=None, validate=validate.Range(min=0, max=100), metadata={"description": "at least this many"}
    )


class DeliveryWaitQuery(DeliveryQuery):
    count = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    timeout = fields.Float(load_default=5.0, validate=validate.Range(min=0, max=MAX_WAIT_SECONDS))


class DeliveryWaitTimeout(ErrorResponse):
    """408: MX's error shape, plus the matching deliveries so far."""

    deliveries = fields.List(fields.Nested(DeliverySchema))


class FireRequest(RequestSchema):
    type = fields.String(required=True, validate=_TYPES, metadata={"description": "the webhook type to send"})
