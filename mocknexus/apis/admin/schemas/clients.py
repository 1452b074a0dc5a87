"""Control-plane bodies for client ids: the list of worlds, and server-side waits (application/json)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from mocknexus.apis.admin.schemas.admin import JournalEntrySchema
from mocknexus.apis.nexus.schemas.connecting import MemberSchema
from mocknexus.domain.core.statuses import wait_status_pattern
from mocknexus.schemas.common import ErrorResponse, PaginationSchema, QuerySchema, RequestSchema, StrictString

# A sanity bound; the server holds a wait at most --max-wait seconds (default 60): it occupies a thread.
MAX_WAIT_SECONDS = 3600


class ClientSummary(Schema):
    client_id = fields.String()
    created_at = fields.String(metadata={"description": "server clock time the world was first seen"})
    now = fields.AwareDateTime(metadata={"description": "this client's clock"})
    frozen = fields.Boolean()
    users = fields.Integer()
    members = fields.Integer()
    faults = fields.Integer()
    requests = fields.Integer(metadata={"description": "entries in its request journal"})


class ClientListResponse(Schema):
    clients = fields.List(fields.Nested(ClientSummary))
    pagination = fields.Nested(PaginationSchema)


class ScenarioUploadRequest(RequestSchema):
    scenarios = fields.Dict(
        keys=StrictString(validate=validate.Length(min=1, max=100)),
        values=fields.Dict(),
        required=True,
        validate=validate.Length(min=1, max=100),
        metadata={
            "description": "name -> scenario, in the fixture files' format (steps, end, ...)",
            "minProperties": 1,
            "maxProperties": 100,
        },
    )


class MemberWaitQuery(QuerySchema):
    status = StrictString(
        required=True,
        validate=validate.Regexp(wait_status_pattern(), error="Not a connection status or END (comma-separated)."),
        metadata={"description": "a connection_status, END (any end state, job over), or several comma-separated"},
    )
    timeout = fields.Float(load_default=5.0, validate=validate.Range(min=0, max=MAX_WAIT_SECONDS))


class RequestWaitQuery(QuerySchema):
    method = StrictString(load_default=None)
    path = StrictString(load_default=None, metadata={"description": "glob, as in the journal's filter"})
    count = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    timeout = fields.Float(load_default=5.0, validate=validate.Range(min=0, max=MAX_WAIT_SECONDS))


class MemberWaitTimeout(ErrorResponse):
    """408: MX's error shape, plus the member as it stood when the wait gave up."""

    member = fields.Nested(MemberSchema)


class RequestWaitResponse(Schema):
    requests = fields.List(fields.Nested(JournalEntrySchema))


class RequestWaitTimeout(ErrorResponse):
    """408: MX's error shape, plus the matching requests so far."""

    requests = fields.List(fields.Nested(JournalEntrySchema))
