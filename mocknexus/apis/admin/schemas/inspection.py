"""What the inspector reads beyond the state snapshot: members with their job's progress and timeline, and
sessions and api tokens with their expiry by the emulator's clock (tokens masked)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from mocknexus.apis.nexus.schemas.connecting import ChallengeSchema
from mocknexus.domain.core.statuses import ConnectionStatus, JobType
from mocknexus.schemas.common import QuerySchema

_status = {"type": "string", "enum": ConnectionStatus.names()}
MASK = "****"


def mask_token(token: str) -> str:
    """Enough of a token to tell two apart, never enough to use one: its last four characters."""
    return MASK + token[-4:] if len(token) > 8 else MASK


class MemberQuery(QuerySchema):
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=10_000))


class StatusChangeSchema(Schema):
    status = fields.Function(lambda c: c.status.name, metadata=_status)
    at = fields.AwareDateTime()
    aggregating = fields.Boolean(metadata={"description": "whether a job was running"})
    job_guid = fields.String(allow_none=True)
    request_id = fields.Integer(
        allow_none=True, metadata={"description": "the request journal's entry id; null for the control plane"}
    )
    request = fields.String(allow_none=True, metadata={"description": "METHOD /path of that request"})


class JobSchema(Schema):
    guid = fields.String()
    type = fields.String(metadata={"enum": [t.value for t in JobType]})
    scenario = fields.String()
    started_at = fields.AwareDateTime()
    finished_at = fields.AwareDateTime(allow_none=True)


class ProgressSchema(Schema):
    step_index = fields.Integer()
    step_count = fields.Integer()
    step_name = fields.String(allow_none=True)
    waiting_for_answers = fields.Boolean()
    due_at = fields.AwareDateTime(allow_none=True, metadata={"description": "when the step's time runs out"})
    polls_done = fields.Integer()
    polls_needed = fields.Integer(metadata={"description": "reads of the member the step still wants"})
    answer_by = fields.AwareDateTime(allow_none=True, metadata={"description": "a challenge then ends EXPIRED"})


class OAuthStateSchema(Schema):
    pending_since = fields.AwareDateTime()
    removed_at = fields.AwareDateTime(allow_none=True, metadata={"description": "MX's hour, if still PENDING"})
    referral_source = fields.String(metadata={"enum": ["BROWSER", "APP"]})
    client_redirect_url = fields.String(allow_none=True)
    ui_message_webview_url_scheme = fields.String(allow_none=True)
    enable_app2app = fields.Boolean()
    skip_aggregation = fields.Boolean()
    window = fields.String(metadata={"enum": ["none", "unused", "opened", "used", "expired"]})
    window_issued_at = fields.AwareDateTime(allow_none=True)
    window_expires_at = fields.AwareDateTime(allow_none=True)
    window_opened_at = fields.AwareDateTime(allow_none=True)
    window_used_at = fields.AwareDateTime(allow_none=True)
    outcome = fields.String(allow_none=True, metadata={"description": "SUCCESS or MX's error reason"})
    outcome_at = fields.AwareDateTime(allow_none=True)
    applies_at = fields.AwareDateTime(allow_none=True, metadata={"description": "when the bank's answer lands"})


class InspectedMemberSchema(Schema):
    guid = fields.String()
    client_id = fields.String(allow_none=True)
    name = fields.String()
    user_guid = fields.String()
    user_id = fields.String(allow_none=True)
    institution_guid = fields.String()
    institution_code = fields.String()
    institution_name = fields.String()
    connection_status = fields.Function(lambda m: m.connection_status.name, metadata=_status)
    is_being_aggregated = fields.Boolean()
    scenario = fields.String()
    created_at = fields.AwareDateTime()
    aggregated_at = fields.AwareDateTime(allow_none=True)
    successfully_aggregated_at = fields.AwareDateTime(allow_none=True)
    failed_logins = fields.Integer()
    job = fields.Nested(JobSchema, allow_none=True)
    progress = fields.Nested(ProgressSchema, allow_none=True, metadata={"description": "null unless a job runs"})
    challenges = fields.List(fields.Nested(ChallengeSchema))
    timeline = fields.List(fields.Nested(StatusChangeSchema), attribute="status_history")
    is_oauth = fields.Boolean()
    oauth = fields.Nested(OAuthStateSchema, allow_none=True, metadata={"description": "null unless is_oauth"})


class InspectedMemberListResponse(Schema):
    members = fields.List(fields.Nested(InspectedMemberSchema))


class AccessTokenSchema(Schema):
    kind = fields.String(metadata={"enum": ["session", "api_token"]})
    token = fields.Function(lambda c: mask_token(c.token), metadata={"type": "string", "description": "masked"})
    client_id = fields.String(allow_none=True)
    user_guid = fields.String()
    user_id = fields.String(allow_none=True)
    issued_at = fields.AwareDateTime()
    last_used_at = fields.AwareDateTime(allow_none=True)
    expires_at = fields.AwareDateTime(allow_none=True, metadata={"description": "null: never"})
    state = fields.String(metadata={"enum": ["active", "expired", "used"]})


class AccessTokenListResponse(Schema):
    credentials = fields.List(fields.Nested(AccessTokenSchema))
