"""The whole server's snapshot (`GET /__admin/state`) as JSON text, from pieces kept per world between reads.

Each world's snapshot is its head (version, client id, clock) and its records; the records are kept encoded
until the world's store is written (`domain/core/kept_snapshot.py`). Here the server keeps, per world, both
pieces with the clock left out, and looks again only at the worlds changed since the last read (control/
holders.py's `ChangeLog`): a world whose clock runs over the server's shows the server's time, put in as the
document is joined. Worlds whose snapshot moves with time alone (a clock of their own, members whose jobs
settle to the clock) are asked each time. So a read costs the changed and moving worlds in Python, and one
join of bytes for the rest: it holds the interpreter for milliseconds, and other clients' calls go on.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from mocknexus.domain.core import kept_snapshot
from mocknexus.domain.core.tables import MEMBERS

if TYPE_CHECKING:
    from mocknexus.control.holders import ChangeLog
    from mocknexus.control.world import World

_CLOCK_KEY = b',"clock":'


def moves_with_time(world: World) -> bool:
    """Whether a world's snapshot can change with no write: its own clock, or members settled to the clock."""
    return world.clock.is_set or bool(world.emulator.store.count(MEMBERS))


class ServerSnapshot:
    def __init__(
        self,
        changes: ChangeLog,
        client_ids: Callable[[], list[str]],
        world_of: Callable[[str], World | None],
        moving: Callable[[], list[World]],
        membership: Callable[[], int],
    ) -> None:
        self._changes = changes
        self._client_ids = client_ids
        self._world_of = world_of
        self._moving = moving  # the worlds for which `moves_with_time` may hold
        self._membership = membership  # moves when a world joins or leaves the registry
        # reveal -> (membership, the last document's segments), while no world changed or moves with time
        self._segments: dict[bool, tuple[int, list[bytes]] | None] = {}
        self._lock = threading.Lock()
        self._seen = {False: 0, True: 0}
        # reveal -> client id -> (the head up to its clock's value, the records), of worlds on the server's time
        self._kept: dict[bool, dict[str, tuple[bytes, bytes]]] = {False: {}, True: {}}

    def document(self, clock: str, reveal: bool) -> list[bytes]:
        """The server's snapshot (`Worlds.dump_all`'s outline) as JSON text in pieces to be sent one after the
        other, secrets masked unless `reveal`; `clock`: the server's time, shown by every world running over it."""
        clock_json = json.dumps(clock).encode("ascii")
        with self._lock:  # one read refreshes the kept pieces at a time; no world's lock is held meanwhile
            kept = self._kept[reveal]
            self._seen[reveal], changed = self._changes.since(self._seen[reveal])
            for client_id in changed:
                kept.pop(client_id, None)
            moving = self._moving()
            membership = self._membership()
            segments = self._segments.get(reveal)
            if changed or moving or segments is None or segments[0] != membership:
                segments = (membership, self._cut(kept, moving, reveal))
                # With a world whose snapshot moves with time, its pieces are asked again next read.
                self._segments[reveal] = segments if not moving else None  # type: ignore[assignment]
        cut = segments[1]
        pieces: list[bytes] = [clock_json] * (2 * len(cut) - 1)
        pieces[::2] = cut  # the segments, with the clock's text between each two
        return pieces

    def _cut(self, kept: dict[str, tuple[bytes, bytes]], moving: list[World], reveal: bool) -> list[bytes]:
        """The document's segments between the server clock's places (`kept_snapshot.server_segments`)."""
        fresh: dict[str, tuple[bytes | None, ...]] = {}
        for world in moving:
            fresh[world.client_id] = world.emulator.dump_state_json(reveal)  # type: ignore[index]
        ids = self._client_ids()
        clients: list[tuple[bytes | None, ...]] = []
        for client_id in ids:
            pieces = fresh.get(client_id)
            if pieces is None:
                on_server_time = kept.get(client_id)
                if on_server_time is not None:
                    pieces = (on_server_time[0], None, on_server_time[1])
                else:
                    pieces = self._pieces(client_id, reveal, kept)
                    if pieces is None:
                        continue  # left the registry meanwhile
            clients.append(pieces)
        if len(kept) > len(ids) + 1024:  # worlds that left the registry: their pieces go
            listed = set(ids)
            for gone in [client_id for client_id in kept if client_id not in listed]:
                del kept[gone]
        return kept_snapshot.server_segments(clients, reveal)

    def _pieces(
        self, client_id: str, reveal: bool, kept: dict[str, tuple[bytes, bytes]]
    ) -> tuple[bytes | None, ...] | None:
        """A world's pieces, asked of it; kept (without its clock) if it runs on the server's time."""
        world = self._world_of(client_id)
        if world is None:
            return None
        head, records = world.emulator.dump_state_json(reveal)
        if moves_with_time(world):
            return head, records  # asked again next time (it is among `moving` from then on)
        cut = head.rindex(_CLOCK_KEY) + len(_CLOCK_KEY)  # the clock is the head's last key
        kept[client_id] = (head[:cut], records)
        return head[:cut], None, records  # None: the server's clock goes there
