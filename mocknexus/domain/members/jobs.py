"""The status machine: how a member's job moves through its scenario as the clock runs and the client polls.

Evaluated lazily: whenever a member is touched the service calls `advance`, which replays every step
boundary that the clock has passed, so the outcome depends only on the clock and the sequence of calls,
never on thread timing. Work run by the clock alone (`control.background`) calls the same `advance`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mocknexus.domain.catalog.catalog import RETRY, ChallengeSpec, Scenario, Step
from mocknexus.domain.core.clock import later
from mocknexus.domain.core.errors import ErrorKind, MXError
from mocknexus.domain.core.ids import new_guid
from mocknexus.domain.core.models import Challenge, Job, Member
from mocknexus.domain.core.statuses import ConnectionStatus, JobType


def start(member: Member, scenario: Scenario, job_type: JobType, now: datetime) -> Job:
    if member.connection_status is ConnectionStatus.CONNECTED:  # also an OAuth member consented without a job
        starting = ConnectionStatus.CONNECTED
    elif member.successfully_aggregated_at is None and member.job is None:
        starting = ConnectionStatus.CREATED
    else:
        starting = ConnectionStatus.UPDATED
    member.job = Job(
        guid=new_guid("JOB"),
        type=job_type.value,
        scenario=scenario.name,
        started_at=now,
        starting_status=starting,
    )
    member.aggregated_at = now
    _enter_step(member, scenario, 0, now)
    return member.job


def advance(
    member: Member,
    scenario: Scenario,
    now: datetime,
    time_scale: float,
    *,
    by_clock: bool = False,
    waive_polls: bool = False,
) -> bool:
    """Move the member's running job up to `now`; whether any step boundary was crossed.

    A step with `polls` also waits for that many client reads, so a polling client sees it, and ends during
    a read: `by_clock` (work run with no read) leaves it for one. `waive_polls` (for a client that does not
    poll) lets its time alone end it, like a step without `polls`.
    """
    job = member.job
    moved = False
    while job is not None and job.finished_at is None:
        step = scenario.steps[job.step_index]
        started = job.step_started_at or job.started_at
        if step.is_challenge:
            deadline = later(started, step.answer_within_seconds)
            if now < deadline:
                return moved
            _finish(member, ConnectionStatus.EXPIRED, deadline)
            return True
        ends_at = later(started, step.seconds * time_scale)
        gated_by_polls = step.polls > 0 and not waive_polls
        if now < ends_at or (gated_by_polls and (by_clock or job.step_polls < step.polls)):
            return moved
        # A step gated only by time ended exactly when its time ran out; one gated by polls, now.
        _enter_step(member, scenario, job.step_index + 1, now if gated_by_polls else ends_at)
        moved = True
    return moved


def record_poll(member: Member, scenario: Scenario) -> bool:
    """A client read the member: count it toward the current step's `polls`. Whether the count changed:
    reads beyond what the step wants (or of a member with no running job) change nothing, so need no write."""
    job = member.job
    if job is None or job.finished_at is not None or job.step_polls >= scenario.steps[job.step_index].polls:
        return False
    job.step_polls += 1
    return True


def answer(member: Member, scenario: Scenario, answers: dict[str, str], now: datetime) -> None:
    """Apply MFA answers (challenge guid -> value)."""
    job = member.job
    if job is None or job.finished_at is not None or member.connection_status is not ConnectionStatus.CHALLENGED:
        # Documented for MX's resume endpoint: 405 unless the member is CHALLENGED.
        raise MXError(ErrorKind.METHOD_NOT_ALLOWED, "Member is not challenged.")
    issued = {c.guid: c for c in job.challenges}
    unknown = sorted(set(answers) - set(issued))
    if unknown:
        raise MXError(ErrorKind.BAD_REQUEST, f"Unknown challenge guid(s): {', '.join(unknown)}.")
    missing = sorted(set(issued) - set(answers))
    if missing:
        raise MXError(ErrorKind.MISSING_PARAMETERS, f"Answers are missing for challenge(s): {', '.join(missing)}.")
    step = scenario.steps[job.step_index]
    special = dict(step.outcomes)
    chosen = next((special[answers[c.guid]] for c in job.challenges if answers[c.guid] in special), None)
    if chosen is None:
        right = all(_is_right(issued[guid], value) for guid, value in answers.items())
        chosen = (step.next or job.step_index + 1) if right else step.on_wrong_answer
    _go_to(member, scenario, chosen, now)


def finish_now(member: Member, scenario: Scenario, now: datetime, status: ConnectionStatus | None = None) -> None:
    """Control-plane shortcut: end the running job now, in `status` or else its scripted end."""
    if member.is_being_aggregated:
        _finish(member, status or scenario.end, now)


def abandon(member: Member, now: datetime) -> None:
    """Stop the running job where it stands, with no outcome, so that another can start."""
    job = member.job
    if job is not None and job.finished_at is None:
        job.finished_at, job.challenges, job.outcome_applied = now, [], True
        member.note_status(now)


@dataclass(frozen=True)
class Progress:
    """Where a running job stands and what moves it on: for the inspector, never for the emulated APIs."""

    step_index: int
    step_count: int
    step_name: str | None
    waiting_for_answers: bool
    due_at: datetime | None  # the clock time the current step's seconds run out (None: it waits for answers)
    polls_done: int
    polls_needed: int  # more reads of the member the step still wants before it can end
    answer_by: datetime | None  # a challenge step ends EXPIRED at this clock time


def progress(member: Member, scenario: Scenario, time_scale: float) -> Progress | None:
    """The running job's current step and when it is due by the clock and by polls; None if no job runs."""
    job = member.job
    if job is None or job.finished_at is not None:
        return None
    step = scenario.steps[job.step_index]
    started = job.step_started_at or job.started_at
    challenge = step.is_challenge
    return Progress(
        step_index=job.step_index,
        step_count=len(scenario.steps),
        step_name=step.name,
        waiting_for_answers=challenge,
        due_at=None if challenge else later(started, step.seconds * time_scale),
        polls_done=job.step_polls,
        polls_needed=0 if challenge else max(0, step.polls - job.step_polls),
        answer_by=later(started, step.answer_within_seconds) if challenge else None,
    )


def challenge_from(spec: ChallengeSpec, guid: str) -> Challenge:
    """A challenge a member is asked, made from its scenario step's spec."""
    return Challenge(
        guid=guid,
        type=spec.type,
        label=spec.label,
        field_name=spec.field_name or spec.label,
        answer=spec.answer,
        options=[dict(o) for o in spec.options],
        image_data=spec.image_data,
        image_options=[dict(o) for o in spec.image_options],
    )


def _is_right(challenge: Challenge, value: str) -> bool:
    if challenge.type in ("OPTIONS", "IMAGE_OPTIONS"):
        return value == challenge.answer
    # Free-text answers: MX does not document its matching; we forgive case and surrounding space (INFERRED).
    return value.strip().casefold() == challenge.answer.strip().casefold()


def _go_to(member: Member, scenario: Scenario, target: str | int, now: datetime) -> None:
    """Follow an answer's target: a step index, a step name, "retry" (this step again), or an end status."""
    job = member.job
    assert job is not None
    if isinstance(target, int):
        _enter_step(member, scenario, target, now)
    elif target == RETRY:
        _enter_step(member, scenario, job.step_index, now)
    elif (index := scenario.step_index(target)) is not None:
        _enter_step(member, scenario, index, now)
    else:
        _finish(member, ConnectionStatus.parse(target), now)


def _enter_step(member: Member, scenario: Scenario, index: int, at: datetime) -> None:
    job = member.job
    assert job is not None
    if index >= len(scenario.steps):
        _finish(member, scenario.end, at)
        return
    job.step_index, job.step_started_at, job.step_polls = index, at, 0
    step: Step = scenario.steps[index]
    if step.is_challenge:
        member.connection_status = ConnectionStatus.CHALLENGED
        job.challenges = [challenge_from(spec, new_guid("CRD")) for spec in step.challenges]
    else:
        member.connection_status = step.status or job.starting_status
        job.challenges = []
    member.note_status(at)


def _finish(member: Member, status: ConnectionStatus, at: datetime) -> None:
    job = member.job
    assert job is not None
    job.finished_at = at
    job.challenges = []
    member.connection_status = status
    if status is ConnectionStatus.CONNECTED:
        member.successfully_aggregated_at = at
    member.note_status(at)
