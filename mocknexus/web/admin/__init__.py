"""The control plane, under /__admin/ so it can never collide with an MX path: one blueprint (blueprint.py),
its routes split by concept. Every endpoint acts on the whole server at /__admin/... and on one MX client id's
world at /__admin/clients/{client_id}/... (`blueprint.scope` says which)."""

from mocknexus.web.admin import (
    clients,
    clock,
    data,
    faults,
    inspect,
    journal,
    members,
    oauth,
    scenarios,
    server,
    state,
    test_data,
    webhooks,
)  # fmt: skip
from mocknexus.web.admin.blueprint import bp

__all__ = [
    "bp", "clients", "clock", "data", "faults", "inspect", "journal", "members", "oauth", "scenarios", "server",
    "state", "test_data",
    "webhooks",
]  # fmt: skip
