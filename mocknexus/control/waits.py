"""Server-side waits, so a test need not write a polling loop: until a member reaches a connection status,
or until the journal holds N matching requests; per client id, with a timeout.

A wait sleeps on its world's condition variable, woken by every call and control-plane change in that
world, and re-checks at least every RECHECK_SECONDS: a job moves on with the clock alone, and another
worker process's changes wake nobody in this one. Each re-check of a member counts as one poll of it, as
the client's own polling loop would have.
"""

from __future__ import annotations

from collections.abc import Callable

from mocknexus import parking
from mocknexus.control.journal_entry import Entry
from mocknexus.control.worlds import World
from mocknexus.domain.core.errors import ErrorKind, MXError
from mocknexus.domain.core.models import Member
from mocknexus.domain.core.statuses import ANY_END, ConnectionStatus

RECHECK_SECONDS = 0.1
JOURNAL_RECHECK_SECONDS = 1.0  # every call in this process wakes a journal wait; this is only a safety net
# A parked journal wait is woken by every call of its world (of every world, server-wide): it checks at most
# this often, so a burst of calls costs one scan of the journals, not one each.
JOURNAL_MIN_INTERVAL = 0.02


def parse_statuses(spec: str) -> frozenset[str]:
    """`CHALLENGED`, `END`, or several comma-separated (`CONNECTED,DENIED`); a 400 naming a bad one."""
    names = frozenset(part.strip() for part in spec.split(","))
    unknown = sorted(names - {ANY_END, *ConnectionStatus.names()})
    if unknown:
        raise MXError(
            ErrorKind.INVALID_PARAMETERS,
            f"status: {', '.join(unknown) or 'nothing'} is not a connection status or {ANY_END}.",
        )
    return names


def reached(member: Member, statuses: frozenset[str]) -> bool:
    """An end state counts once the job is over (a running job can show CONNECTED before it ends); a
    transient state or CHALLENGED counts as soon as the member shows it."""
    status = member.connection_status
    if status.is_end_state:
        return not member.is_being_aggregated and (ANY_END in statuses or status.name in statuses)
    return status.name in statuses


def wait_for_member(
    world: World, member_guid: str, statuses: frozenset[str], timeout: float, environ: dict | None = None
) -> tuple[bool, Member]:
    """(reached, the member as it is at that moment); an unknown member is a 404 at once. With the request's
    `environ`, parked between checks if the server can (parking.py), else on this thread."""
    return parking.wait_until(
        environ or {},
        world.changes,
        lambda: _member_check(world, member_guid, statuses),
        timeout,
        RECHECK_SECONDS,
        world.wait_until,
    )


def _member_check(world: World, member_guid: str, statuses: frozenset[str]) -> tuple[bool, Member]:
    member = world.emulator.observe_member(member_guid)
    return reached(member, statuses), member


def wait_for_requests(
    world: World, find: Callable[[], list[Entry]], count: int, timeout: float, environ: dict | None = None
) -> tuple[bool, list[Entry]]:
    """(at least `count` requests are found, the requests found, newest first). `find` reads the world's
    journal (or, for the shared world, every journal: it is woken by every world's calls)."""

    def check() -> tuple[bool, list[Entry]]:
        found = find()
        return len(found) >= count, found

    return parking.wait_until(
        environ or {}, world.changes, check, timeout, JOURNAL_RECHECK_SECONDS, world.wait_until, JOURNAL_MIN_INTERVAL
    )
