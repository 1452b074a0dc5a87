"""A client's snapshot, kept as JSON text between snapshots until its store is written again.

A server-wide snapshot (`GET /__admin/state`) of 20 000 clients would otherwise convert and encode every
record of every client each time it is read (seconds); kept, it converts only the clients written to since.
What is kept is keyed on the store's generation (`Store.generation`), which moves on every write, so a
snapshot can never miss one; a store that cannot tell (SQLite, written by other processes) keeps nothing.
"""

from __future__ import annotations

import json
from typing import Any

from mocknexus.domain.catalog.client_catalog import SCENARIOS
from mocknexus.domain.core import snapshot
from mocknexus.store import Store

_JSON = json.JSONEncoder(separators=(",", ":"))


class KeptSnapshot:
    """The JSON text of a client's records, masked and revealed (each once asked for), until its store's
    generation moves. Encoded bytes, not records: 20 000 kept snapshots cost their bytes and nothing more;
    and the whole server's document is one join of them (no copy of each client's text on the way)."""

    def __init__(self) -> None:
        self._generation: int | None = None
        self._tails: dict[bool, bytes] = {}  # reveal -> the records' members and the closing brace

    def pieces(self, store: Store, head: dict[str, Any], reveal: bool) -> tuple[bytes, bytes]:
        """The client's snapshot as JSON text in two pieces to be written one after the other: `head`
        (version, client id, clock), then its records, secrets masked unless `reveal` (as
        `snapshot.mask_secrets` masks them). Call inside the store's transaction."""
        generation = store.generation()
        if generation is None or generation != self._generation:
            self._generation, self._tails = generation, {}
        tail = self._tails.get(reveal)
        if tail is None:
            data = records(store)
            tail = b"," + _encode(data if reveal else snapshot.mask_secrets(data))[1:]
            if generation is not None:
                self._tails[reveal] = tail
        return _encode(head)[:-1], tail  # two objects' members in one


def server_document(clock: str, clients: list[tuple[bytes | None, ...]], reveal: bool) -> bytes:
    """A whole-server snapshot's JSON text (the outline `Worlds.dump_all` gives) from its clients' pieces (each
    client's, joined in order, is its snapshot; None stands for the server's clock)."""
    return _encode(clock).join(server_segments(clients, reveal))


def server_segments(clients: list[tuple[bytes | None, ...]], reveal: bool) -> list[bytes]:
    """The whole-server snapshot's text cut at every place the server's clock goes (the document's own clock,
    and each client's piece None): joined with the clock's JSON text between them, it is the document. Kept,
    the document of unchanged worlds is one C-level join at any later time."""
    version = _encode(snapshot.SNAPSHOT_VERSION)
    segments: list[bytes] = [b'{"version":' + version + b',"clock":']
    current: list[bytes] = [b',"clients":[']
    for number, client in enumerate(clients):
        if number:
            current.append(b",")
        for piece in client:
            if piece is None:
                segments.append(b"".join(current))
                current = []
            else:
                current.append(piece)
    current.append(b"]}" if reveal else b"]," + _encode(dict([snapshot.MASKED_MARKER]))[1:])
    segments.append(b"".join(current))
    return segments


def _encode(data: Any) -> bytes:
    return _JSON.encode(data).encode("ascii")  # ensure_ascii: every character outside ASCII is escaped


def records(store: Store) -> dict[str, Any]:
    """Every snapshot table's records (sorted by key) and the uploaded scenarios, as JSON-able data."""
    found: dict[str, Any] = {}
    for table, (_, key) in snapshot.TABLES.items():
        if not store.count(table):  # most tables of most worlds are empty: no copy, no sort
            found[table] = []
            continue
        rows = sorted(store.values(table), key=lambda r, key=key: getattr(r, key))
        found[table] = [snapshot.to_data(r) for r in rows]
    found[SCENARIOS] = dict(sorted(store.items(SCENARIOS)))
    return found
