"""The control plane's client ids: the list of worlds, and forgetting one.

GET /__admin/clients lists the client ids' worlds a page at a time (MX's `page` and `records_per_page`, ordered
by client id, with the total count); DELETE /__admin/clients/{client_id} forgets one (its state, clock, faults,
journal and every token it issued, so an old widget URL cannot bring it back).
"""

from __future__ import annotations

from typing import Any

from flask import Response

from mocknexus.apis.admin.blueprint import CLIENT_PREFIX, bp
from mocknexus.apis.admin.schemas import clients as s
from mocknexus.control.worlds import World
from mocknexus.domain.core.errors import not_found
from mocknexus.domain.core.pagination import paginate
from mocknexus.schemas.common import PageQuery
from mocknexus.web.http import read_query, render, render_json, worlds
from mocknexus.web.openapi import doc

client_list = s.ClientListResponse()
page_query = PageQuery()


@bp.get("/clients")
@doc("The client ids' worlds, a page at a time (ordered by client id)", response=client_list, query=page_query)
def list_clients() -> Response:
    """Only the page's worlds are summarised: the cost of a page does not grow with the number of client ids
    (beyond listing and sorting the ids themselves)."""
    query = read_query(page_query)
    registry = worlds()
    ids, page = paginate(registry.client_ids(), query["page"], query["records_per_page"] or query["per_page"])
    found = (registry.existing(client_id) for client_id in ids)
    summaries = [_summary(w) for w in found if w is not None]
    return render(client_list, {"clients": summaries, "pagination": page})


def _summary(w: World) -> dict[str, Any]:
    emulator = w.emulator
    return {
        "client_id": w.client_id,
        "created_at": w.created_at.isoformat(),
        "now": w.clock.now(),
        "frozen": w.clock.is_frozen,
        "users": emulator.count_users(),
        "members": emulator.count_members(),
        "faults": len(w.faults.list()),
        "requests": len(w.journal),  # a count, not a copy of every entry
    }


@bp.delete(CLIENT_PREFIX)
@doc("Forget a client id: its state, clock, faults and journal", response={"type": "object"})
def forget_client(client_id: str) -> Response:
    if not worlds().forget(client_id):
        raise not_found("Client")
    return render_json({})
