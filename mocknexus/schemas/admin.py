"""Control-plane bodies (/__admin/, media type application/json)."""

from __future__ import annotations

from datetime import UTC, datetime

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from mocknexus.domain.errors import ErrorKind
from mocknexus.domain.statuses import ConnectionStatus, JobType
from mocknexus.schemas.common import RequestSchema, StrictBoolean, StrictString

_error_statuses = [s for s in ErrorKind.statuses() if s >= 400]


class ResetRequest(RequestSchema):
    user_id = StrictString(load_default=None)


class DriveRequest(RequestSchema):
    scenario = StrictString(load_default=None)
    start = StrictString(load_default=None, validate=validate.OneOf([t.name for t in JobType]))


class StatusRequest(RequestSchema):
    connection_status = StrictString(required=True, validate=validate.OneOf(ConnectionStatus.names()))


# The clock moves within a range datetime can hold whatever else was done to it before.
MAX_ADVANCE_SECONDS = 100 * 365 * 86400


class AdvanceRequest(RequestSchema):
    seconds = fields.Float(required=True, validate=validate.Range(min=0, max=MAX_ADVANCE_SECONDS))


class FreezeRequest(RequestSchema):
    at = fields.AwareDateTime(
        load_default=None,
        validate=validate.Range(min=datetime(1970, 1, 1, tzinfo=UTC), max=datetime(2999, 12, 31, tzinfo=UTC)),
    )


class FaultRequest(RequestSchema):
    path = StrictString(required=True, max_length=512)
    method = StrictString(load_default="*", validate=validate.OneOf(["*", "GET", "POST", "PUT", "DELETE"]))
    status = fields.Integer(load_default=None, validate=validate.OneOf(_error_statuses))
    message = StrictString(load_default=None)
    latency_ms = fields.Integer(load_default=0, validate=validate.Range(min=0, max=120_000))
    drop = StrictBoolean(load_default=False)
    probability = fields.Float(load_default=1.0, validate=validate.Range(min=0, max=1))
    count = fields.Integer(load_default=None, validate=validate.Range(min=1))

    @validates_schema
    def _does_something(self, data: dict, **kwargs: object) -> None:
        if not (data["status"] or data["latency_ms"] or data["drop"]):
            raise ValidationError("a fault needs a status, a latency_ms or drop: true", "status")


class FaultSchema(Schema):
    id = fields.String()
    path = fields.String()
    method = fields.String()
    status = fields.Integer(allow_none=True)
    message = fields.String(allow_none=True)
    latency_ms = fields.Integer()
    drop = fields.Boolean()
    probability = fields.Float()
    count = fields.Integer(allow_none=True, metadata={"description": "calls left; null: unlimited"})
    hits = fields.Integer()
    client_id = fields.String(allow_none=True, metadata={"description": "whose calls it faults; null: every call"})


class FaultListResponse(Schema):
    faults = fields.List(fields.Nested(FaultSchema))


class FaultResponse(Schema):
    fault = fields.Nested(FaultSchema)


class ClockResponse(Schema):
    now = fields.AwareDateTime()
    frozen = fields.Boolean()


class JournalQuery(RequestSchema):
    client_id = StrictString(load_default=None)
    method = StrictString(load_default=None)
    path = StrictString(load_default=None)
    status = fields.Integer(load_default=None)
    limit = fields.Integer(load_default=None, validate=validate.Range(min=1))


class JournalEntrySchema(Schema):
    id = fields.Integer()
    at = fields.String()
    method = fields.String()
    path = fields.String()
    query = fields.String()
    headers = fields.Dict(keys=fields.String(), values=fields.String())
    body = fields.Raw(allow_none=True)
    status = fields.Integer(metadata={"description": "0 when the connection was dropped"})
    duration_ms = fields.Float()
    fault = fields.String(allow_none=True)
    client_id = fields.String(allow_none=True, metadata={"description": "null: reached no client (or test_session)"})


class JournalResponse(Schema):
    requests = fields.List(fields.Nested(JournalEntrySchema))


class ScenarioSummary(Schema):
    name = fields.String()
    description = fields.String()
    end = fields.Function(lambda s: s.end.name, metadata={"type": "string"})
    steps = fields.Function(lambda s: len(s.steps), metadata={"type": "integer"})


class ScenarioListResponse(Schema):
    scenarios = fields.List(fields.Nested(ScenarioSummary))


class HealthResponse(Schema):
    status = fields.String()
    version = fields.String()
