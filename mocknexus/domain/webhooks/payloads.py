"""MX's webhook payloads, built from the emulator's records with MX's field names and JSON types.

Sources: docs.mx.com/resources/webhooks/{connection-status, member, aggregation, verifications, job-status} as
summarised in the reference (mx-platform-api.md section 6). Times are Unix integers where MX's pages say
Integer (`aggregated_at`, `created_at`, `completed_at`), `completed_on` an ISO date.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mocknexus.domain.core.models import Job, Member, User
from mocknexus.domain.core.statuses import ConnectionStatus, JobType
from mocknexus.domain.webhooks.events import EventType

DATA_UPDATED = "member_data_updated"
_DATA_JOBS = (JobType.BALANCE.value, JobType.HISTORY.value, JobType.STATEMENT.value)

# The Nexus-era Job Status webhook fires when a job is CHALLENGED, DENIED, PREVENTED, HALTED or COMPLETED.
# Which member statuses map to HALTED is not captured: every other failed end is HALTED here (INFERRED).
_JOB_STATUS_NAMES = {
    ConnectionStatus.CHALLENGED: "CHALLENGED",
    ConnectionStatus.DENIED: "DENIED",
    ConnectionStatus.PREVENTED: "PREVENTED",
    ConnectionStatus.CONNECTED: "COMPLETED",
}


def unix(at: datetime | None) -> int | None:
    return None if at is None else int(at.timestamp())


def connection_status(member: Member, status: ConnectionStatus) -> dict[str, Any]:
    """MX's example: action CHANGED, the status as name and id, and the end-user message."""
    return {
        "action": "CHANGED",
        "connection_status": status.name,
        "connection_status_id": status.id,
        "connection_status_message": status.message_for(member.name),
        "member_guid": member.guid,
        "type": EventType.CONNECTION_STATUS.value,
        "user_guid": member.user_guid,
    }


def member_object(member: Member, user: User | None) -> dict[str, Any]:
    """The Members webhook's fields. MX's page lists aggregated_at ... is_being_aggregated (the rest of its table
    is not captured); the remaining fields are those of MX's member object with Unix times (INFERRED), and
    `revision` grows with every change of the member, including its status (for de-duplication)."""
    status = member.connection_status
    return {
        "aggregated_at": unix(member.aggregated_at),
        "connection_status": status.name,
        "connection_status_id": status.id,
        "connection_status_message": status.message_for(member.name),
        "created_at": unix(member.created_at),
        "guid": member.guid,
        "id": member.external_guid,
        "institution_code": member.institution_code,
        "institution_guid": member.institution_guid,
        "is_being_aggregated": member.is_being_aggregated,
        "is_managed_by_user": member.is_managed_by_user,
        "is_oauth": member.is_oauth,
        "metadata": member.metadata,
        "name": member.name,
        "revision": member_revision(member),
        "successfully_aggregated_at": unix(member.successfully_aggregated_at),
        "user_guid": member.user_guid,
        "user_id": user.id if user else None,
    }


def member_revision(member: Member) -> int:
    # Client changes (member.revision) and status changes (status_serial) both only ever grow.
    return member.revision + member.status_serial


def member(member: Member, user: User | None, action: str) -> dict[str, Any]:
    """Object webhooks wrap the object under its name with an `action` (as MX's Users webhook example shows;
    the Members page's example is not captured: INFERRED by analogy)."""
    return {"action": action, "member": member_object(member, user)}


def data_updated(
    member: Member, user: User | None, job: Job, accounts: list[str], *, is_background: bool = False
) -> tuple[EventType, dict[str, Any]]:
    """The webhook a finished, successful job raises: AGGREGATION (with counts), VERIFICATION (with the
    verified accounts) or IDENTIFICATION (shaped as VERIFICATION: INFERRED)."""
    finished = job.finished_at or member.aggregated_at
    assert finished is not None
    common = {
        "action": DATA_UPDATED,
        "completed_at": unix(finished),
        "completed_on": finished.date().isoformat(),
        "job_guid": job.guid,  # MX: "not relevant for partners using the Platform API"
        "member_guid": member.guid,
        "user_guid": member.user_guid,
        "user_id": user.id if user else None,
    }
    counts = {
        "transactions_created_count": job.transactions_created_count,
        "transactions_updated_count": job.transactions_updated_count,
    }
    if job.type == JobType.AGGREGATION.value:
        extra = {"is_background": is_background or job.is_background, **counts}
        return EventType.AGGREGATION, {**common, **extra, "type": EventType.AGGREGATION.value}
    if job.type in _DATA_JOBS:
        # MX's BALANCE / HISTORY / STATEMENT pages: the member_data_updated fields (HISTORY with the counts).
        kind = EventType(job.type)
        extra = counts if kind is EventType.HISTORY else {}
        return kind, {**common, **extra, "type": kind.value}
    kind = EventType.VERIFICATION if job.type == JobType.VERIFICATION.value else EventType.IDENTIFICATION
    return kind, {"type": kind.value, "accounts": list(accounts), **common}


def job_status_name(status: ConnectionStatus, running: bool) -> str | None:
    """The Nexus-era job status a member's status change means, or None if that webhook does not fire."""
    if status in _JOB_STATUS_NAMES:
        if status is ConnectionStatus.CONNECTED and running:
            return None
        return _JOB_STATUS_NAMES[status]
    return "HALTED" if status.is_end_state and not running else None


def job_status(member: Member, user: User | None, job: Job, status_name: str, at: datetime) -> dict[str, Any]:
    """MX's field list (with its own spelling `insitution_guid`). `status` is not documented as a number
    table: the member's connection_status_id at that moment stands in (INFERRED)."""
    failed = status_name not in ("COMPLETED", "CHALLENGED")
    return {
        "job": {
            "created_at": unix(job.started_at),
            "error_message": member.connection_status.message_for(member.name) if failed else None,
            "finished_at": unix(job.finished_at),
            "guid": job.guid,
            "insitution_guid": member.institution_guid,
            "is_authenticated": member.connection_status
            not in (ConnectionStatus.DENIED, ConnectionStatus.PREVENTED, ConnectionStatus.CHALLENGED),
            "member_guid": member.guid,
            "member_id": member.external_guid,
            "started_at": unix(job.started_at),
            "status": member.connection_status.id,
            "status_name": status_name,
            "updated_at": unix(at),
            "user_guid": member.user_guid,
            "user_id": user.id if user else None,
        }
    }


def classify(payload: dict[str, Any]) -> tuple[str | None, str | None]:
    """(webhook type, member guid) of a payload as a receiver gets it: job results and Connection Status
    name their `type`; the Members webhook wraps a `member`, the Job Status webhook a `job`, MICRODEPOSITS a
    `micro_deposit` (its guid stands where a member's would)."""
    if isinstance(payload.get("member"), dict):
        return EventType.MEMBER.value, payload["member"].get("guid")
    if isinstance(payload.get("job"), dict):
        return EventType.JOB_STATUS.value, payload["job"].get("member_guid")
    if isinstance(payload.get("micro_deposit"), dict):
        return EventType.MICRODEPOSITS.value, payload["micro_deposit"].get("guid")
    return payload.get("type"), payload.get("member_guid")
