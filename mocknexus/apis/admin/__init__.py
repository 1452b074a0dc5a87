"""The control plane, under /__admin/ so it can never collide with an MX path: one blueprint (blueprint.py),
its routes split by concept. Every endpoint acts on the whole server at /__admin/... and on one MX client id's
world at /__admin/clients/{client_id}/... (`blueprint.scope` says which)."""

from mocknexus.apis.admin import (  # fmt: skip
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
)
from mocknexus.apis.admin.blueprint import bp
from mocknexus.web.apis import ADMIN_MEDIA_TYPE, Api, ClientInPath

__all__ = [
    "API", "bp", "clients", "clock", "data", "faults", "inspect", "journal", "members", "oauth", "scenarios",
    "server", "state", "test_data",
    "webhooks",
]  # fmt: skip

API = Api(
    name="admin",
    tag="Control plane",
    blueprints=(bp,),
    media_type=ADMIN_MEDIA_TYPE,
    world=ClientInPath(),
    errors=(400, 404, 405, 406, 500),
    control_plane=True,
)
