"""Which webhooks a member's status changes raise, in the order MX would send them.

The domain records every status change in the member's timeline (`Member.note_status`, with a running
`status_serial`); when it saves the member, the changes it has not yet announced become events here:
- CONNECTION_STATUS when the status enters one of MX's actionable states (`CONNECTION_STATUS_TRIGGERS`);
- the job's result when a job finishes CONNECTED: AGGREGATION, VERIFICATION or IDENTIFICATION;
- the Nexus-era JOB_STATUS for CHALLENGED, DENIED, PREVENTED, HALTED and COMPLETED;
- one MEMBER `updated` for the batch (the member as it now is).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from mocknexus.domain.core.models import Member, StatusChange, User
from mocknexus.domain.webhooks import payloads
from mocknexus.domain.webhooks.events import CONNECTION_STATUS_TRIGGERS, Event, EventType


def unannounced(member: Member) -> tuple[list[StatusChange], bool]:
    """The timeline entries since the last announcement, and whether a job was running just before them."""
    new = min(member.status_serial - member.announced_serial, len(member.status_history))
    history = member.status_history
    if new <= 0:
        return [], False
    before = history[-new - 1] if len(history) > new else None
    return history[-new:], bool(before and before.aggregating)


def status_events(member: Member, user: User | None, verified_accounts: list[str], now: datetime) -> list[Event]:
    """The events for the member's unannounced status changes (bare: the caller adds the call's options)."""
    changes, was_running = unannounced(member)
    events: list[Event] = []
    for change in changes:
        job = member.job if member.job and member.job.guid == change.job_guid else None
        if change.status in CONNECTION_STATUS_TRIGGERS:
            payload = payloads.connection_status(member, change.status)
            events.append(Event(EventType.CONNECTION_STATUS, payload, change.at, member.guid, member.user_guid))
        job_ended = was_running and not change.aggregating
        if job is not None and (change.aggregating or job_ended):
            status_name = payloads.job_status_name(change.status, change.aggregating)
            if status_name is not None:
                payload = payloads.job_status(member, user, job, status_name, change.at)
                events.append(Event(EventType.JOB_STATUS, payload, change.at, member.guid, member.user_guid))
            if job_ended and change.status.name == "CONNECTED":
                kind, payload = payloads.data_updated(member, user, job, verified_accounts)
                events.append(Event(kind, payload, change.at, member.guid, member.user_guid))
        was_running = change.aggregating
    if changes:
        events.append(member_event(member, user, "updated", now))
    return events


def member_event(member: Member, user: User | None, action: str, at: datetime) -> Event:
    return Event(EventType.MEMBER, payloads.member(member, user, action), at, member.guid, member.user_guid)


def fired_event(member: Member, user: User | None, event_type: EventType, now: datetime) -> Event | None:
    """The event of `event_type` for the member's current state (the control plane's "fire webhook"), or None
    if its state has none to show (a job result before any job has finished)."""
    status, job = member.connection_status, member.job
    if event_type is EventType.CONNECTION_STATUS:
        payload = payloads.connection_status(member, status)
    elif event_type is EventType.MEMBER:
        payload = payloads.member(member, user, "updated")
    elif event_type is EventType.JOB_STATUS:
        name = payloads.job_status_name(status, member.is_being_aggregated) if job else None
        if job is None or name is None:
            return None
        payload = payloads.job_status(member, user, job, name, now)
    elif event_type is EventType.MICRODEPOSITS:
        return None  # a micro-deposit's webhook, not a member's
    else:
        if job is None or job.finished_at is None:
            return None
        # The last finished job's times and guid, shaped as the requested type's result.
        shaped = replace(job, type=event_type.value)
        _, payload = payloads.data_updated(member, user, shaped, list(member.account_guids))
    return Event(event_type, payload, now, member.guid, member.user_guid, fired=True)
