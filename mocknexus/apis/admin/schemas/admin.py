"""Control-plane bodies (/__admin/, media type application/json)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from mocknexus.domain.core.errors import ErrorKind
from mocknexus.domain.core.statuses import ConnectionStatus, JobType
from mocknexus.schemas.common import QuerySchema, RequestSchema, StrictBoolean, StrictString

_error_statuses = [s for s in ErrorKind.statuses() if s >= 400]


class ResetRequest(RequestSchema):
    user_id = StrictString(load_default=None)


class StateQuery(QuerySchema):
    reveal = fields.Boolean(
        load_default=False, metadata={"description": "true: credential values and MFA answers in clear"}
    )


class DriveRequest(RequestSchema):
    scenario = StrictString(load_default=None)
    start = StrictString(load_default=None, validate=validate.OneOf([t.name for t in JobType]))


class StatusRequest(RequestSchema):
    # End states only: transient ones and CHALLENGED come from a scenario (Emulator.force_status refuses them).
    connection_status = StrictString(
        required=True, validate=validate.OneOf([s.name for s in ConnectionStatus if s.is_end_state])
    )


# The clock moves within a range datetime can hold whatever else was done to it before.
MAX_ADVANCE_SECONDS = 100 * 365 * 86400


class AdvanceRequest(RequestSchema):
    seconds = fields.Float(required=True, validate=validate.Range(min=0, max=MAX_ADVANCE_SECONDS))


class YearRange(validate.Validator):
    """The year as written (before any offset): a rule the document can state as a pattern."""

    def __init__(self, first: int, last: int) -> None:
        self.first, self.last = first, last

    def __call__(self, value: datetime) -> datetime:
        if not self.first <= value.year <= self.last:
            raise ValidationError(f"The year must be within {self.first}..{self.last}.")
        return value


# Far enough from datetime's limits that advancing the clock (up to 100 years) and adding TTLs stay valid.
FREEZE_YEARS = YearRange(1980, 2899)


class FreezeRequest(RequestSchema):
    at = fields.AwareDateTime(
        load_default=None, validate=FREEZE_YEARS, metadata={"pattern": "^(19[89][0-9]|2[0-8][0-9][0-9])-"}
    )


class FaultRequest(RequestSchema):
    path = StrictString(required=True, max_length=512, validate=validate.Length(min=1))
    method = StrictString(load_default="*", validate=validate.OneOf(["*", "GET", "POST", "PUT", "DELETE"]))
    status = fields.Integer(load_default=None, validate=validate.OneOf(_error_statuses))
    message = StrictString(load_default=None)
    latency_ms = fields.Integer(load_default=0, validate=validate.Range(min=0, max=120_000))
    drop = StrictBoolean(load_default=False)
    probability = fields.Float(load_default=1.0, validate=validate.Range(min=0, max=1))
    count = fields.Integer(load_default=None, validate=validate.Range(min=1))

    # The same rule as _does_something, for the OpenAPI document (web/openapi.py merges `openapi_rules`).
    openapi_rules: ClassVar[dict] = {
        "anyOf": [
            {"required": ["status"], "properties": {"status": {"type": "integer"}}},
            {"required": ["latency_ms"], "properties": {"latency_ms": {"type": "integer", "minimum": 1}}},
            {"required": ["drop"], "properties": {"drop": {"type": "boolean", "enum": [True]}}},
        ]
    }

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


class JournalQuery(QuerySchema):
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


class StoreHealth(Schema):
    kind = fields.String(metadata={"description": "memory, sqlite or postgresql"})
    location = fields.String(metadata={"description": "the SQLite file or the PostgreSQL URL, never its password"})
    answers = fields.Boolean(metadata={"description": "whether the store answered a read just now"})
    latency_ms = fields.Float(allow_none=True)
    error = fields.String(allow_none=True, metadata={"description": "why it did not answer"})
    replica = fields.String(
        allow_none=True,
        metadata={"description": "postgresql: this replica's name, its connections' application_name; else null"},
    )
    alone = fields.Boolean(
        allow_none=True,
        metadata={
            "description": "postgresql: whether this replica holds the sole lease (no other client on the "
            "database), so reads answer from its copies with no round trip (docs/team.md); else null"
        },
    )


class HealthResponse(Schema):
    status = fields.String(metadata={"description": "ok; unavailable (with a 503) while the store does not answer"})
    version = fields.String()
    store = fields.Nested(StoreHealth)
