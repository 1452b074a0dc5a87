"""The whole server's state as one document, and a client's alone: what GET and PUT /__admin/state carry.

A whole-server snapshot is every registered client's snapshot under `clients`; loading one replaces every world
only once each client's snapshot has been checked (a bad document changes nothing).
"""

from __future__ import annotations

from typing import Any

from mocknexus.control.client_ids import check_client_id
from mocknexus.control.worlds import Worlds
from mocknexus.domain.core import kept_snapshot, snapshot
from mocknexus.domain.core.errors import ErrorKind, MXError
from mocknexus.domain.core.tables import API_TOKENS, SESSIONS


def load_client(registry: Worlds, client_id: str, state: dict[str, Any]) -> None:
    """Replace one client's state with its snapshot (creating its world); a bad snapshot changes nothing."""
    check_client_id(client_id)
    world = registry.existing(client_id)
    if world is None:
        world = registry.for_client(client_id)
        world.emulator.load_state(state)  # raises before writing anything if the snapshot is bad
        registry.settle(world, accepted=True)
    else:
        world.emulator.load_state(state)


def dump_all(registry: Worlds) -> dict[str, Any]:
    """Every client's snapshot, in one document `load_all` takes back."""
    return {
        "version": snapshot.SNAPSHOT_VERSION,
        "clock": registry.clock.now().isoformat(),
        "clients": [world.emulator.dump_state() for world in registry.all()],
    }


def dump_all_json(registry: Worlds, reveal: bool) -> bytes:
    """`dump_all` as JSON text, secrets masked unless `reveal`: only the worlds written to since the
    last snapshot are converted and encoded again (`domain/core/kept_snapshot.py`)."""
    return b"".join(dump_all_pieces(registry, reveal))


def dump_all_pieces(registry: Worlds, reveal: bool) -> list[bytes]:
    """`dump_all_json` in pieces to be sent one after the other (not joined: web/pieces_file.py)."""
    if registry.tracks_changes:  # only the worlds changed since the last one are asked (server_snapshot.py)
        return registry.server_snapshot.document(registry.clock.now().isoformat(), reveal)
    clients = [world.emulator.dump_state_json(reveal) for world in registry.all()]
    return [kept_snapshot.server_document(registry.clock.now().isoformat(), clients, reveal)]


def load_all(registry: Worlds, state: Any) -> None:
    """Replace every client's state with a `dump_all` document; a bad document changes nothing."""
    dumps = snapshot.check_server_document(state)
    ids = [d.get("client_id") for d in dumps]
    if not all(isinstance(i, str) for i in ids) or len(set(ids)) != len(ids):
        raise MXError(ErrorKind.BAD_REQUEST, "clients: each snapshot needs its own client_id.")
    for client_id in ids:
        check_client_id(client_id)
    if len(ids) > registry.max_clients:
        raise MXError(ErrorKind.BAD_REQUEST, f"clients: at most {registry.max_clients} (--max-clients).")
    tokens: list[str] = []
    for dump, client_id in zip(dumps, ids, strict=True):
        loaded = registry.shared.emulator.check_state(dump, client_id)
        tokens += [t.token for table in (SESSIONS, API_TOKENS) for t in loaded[table]]
    if len(set(tokens)) != len(tokens):
        raise MXError(ErrorKind.CONFLICT, "Two client snapshots hold the same token.")
    registry.reset_all()
    for dump, client_id in zip(dumps, ids, strict=True):
        registry.get(client_id).emulator.load_state(dump)
