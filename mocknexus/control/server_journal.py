"""The request journals read across the server: every world's matching entries newest first, and a wait's view
of them that looks only at what was recorded since its last look (`control/journal_index.py`)."""

from __future__ import annotations

from collections.abc import Callable

from mocknexus.control.journal import Journal
from mocknexus.control.journal_entry import Entry
from mocknexus.control.journal_index import following, matcher
from mocknexus.control.worlds import Worlds


def journal_matching(
    registry: Worlds,
    client_id: str | None = None,
    method: str | None = None,
    path: str | None = None,
    status: int | None = None,
    limit: int | None = None,
) -> list[Entry]:
    """Every journal's matching entries (or one client's), newest first (entry ids order them across
    journals), at most `limit`. Server-wide, it costs the entries it walks back over, not a look at every
    journal (`JournalIndex.newest`)."""
    if client_id is not None:
        world = registry.existing(client_id)
        if world is not None:
            found = world.journal.matching(method, path, status)
        else:
            # Calls that left no world (refused, or reads) are in the server's journal, under their client id.
            found = [e for e in registry.server_journal.matching(method, path, status) if e.client_id == client_id]
        return found[:limit] if limit else found
    return registry.journal_index.newest(limit or None, matcher(method, path, status))


def journal_follower(
    registry: Worlds, client_id: str | None = None, method: str | None = None, path: str | None = None
) -> Callable[[], list[Entry]]:
    """For a wait: a callable answering `journal_matching(client_id, method, path)` that looks only at
    the entries recorded since it was last called (server-wide waits are woken by every world's calls)."""
    if client_id is None:
        return following(registry.journal_index, matcher(method, path, None))

    def journal() -> Journal:  # before its world exists, the server's (its refused calls); then its own
        world = registry.built_world(client_id)
        return registry.server_journal if world is None else world.journal

    return following(registry.journal_index, matcher(method, path, None), client_id, journal)
