"""The control plane's client ids: the list of worlds, and forgetting one.

GET /__admin/clients lists every client id's world; DELETE /__admin/clients/{client_id} forgets one (its
state, clock, faults, journal and every token it issued, so an old widget URL cannot bring it back).
"""

from __future__ import annotations

from flask import Response

from mocknexus.domain.errors import not_found
from mocknexus.schemas import clients as s
from mocknexus.web.admin.blueprint import CLIENT_PREFIX, bp
from mocknexus.web.http import render, render_json, worlds
from mocknexus.web.openapi import doc

client_list = s.ClientListResponse()


@bp.get("/clients")
@doc("Every client id's world", response=client_list)
def list_clients() -> Response:
    summaries = []
    for w in worlds().all():
        emulator = w.emulator
        summaries.append(
            {
                "client_id": w.client_id,
                "created_at": w.created_at.isoformat(),
                "now": w.clock.now(),
                "frozen": w.clock.is_frozen,
                "users": emulator.count_users(),
                "members": emulator.count_members(),
                "faults": len(w.faults.list()),
                "requests": len(w.journal),  # a count, not a copy of every entry
            }
        )
    return render(client_list, {"clients": summaries})


@bp.delete(CLIENT_PREFIX)
@doc("Forget a client id: its state, clock, faults and journal", response={"type": "object"})
def forget_client(client_id: str) -> Response:
    if not worlds().forget(client_id):
        raise not_found("Client")
    return render_json({})
