"""A client id's view of the catalog: the server's institutions and scenarios, plus scenarios uploaded to
that client alone (the control plane's POST /__admin/clients/{client_id}/scenarios).

Uploads are kept in the client's partition of the store as they were sent (fixture format), so every
worker process sharing a persistent store sees them; each is parsed once per process and version.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from mocknexus.domain.catalog.catalog import Catalog, Scenario
from mocknexus.domain.core.tables import SCENARIOS
from mocknexus.store import Store

Parse = Callable[[str, Any], Scenario]  # (name, fixture-format scenario) -> Scenario; raises on a bad one


class ClientScenarios(Mapping[str, Scenario]):
    """The client's uploads first (one may replace a server scenario of the same name), then the server's."""

    def __init__(self, shared: Mapping[str, Scenario], store: Store, parse: Parse) -> None:
        self._shared = shared
        self._store = store
        self._parse = parse
        self._parsed: dict[tuple[str, str], Scenario] = {}

    def __getitem__(self, name: str) -> Scenario:
        raw = self._store.get(SCENARIOS, name)
        if raw is None:
            return self._shared[name]
        key = (name, json.dumps(raw, sort_keys=True))
        scenario = self._parsed.get(key)
        if scenario is None:
            scenario = self._parsed[key] = self._parse(name, raw)
        return scenario

    def __iter__(self) -> Iterator[str]:
        own = [name for name, _ in self._store.items(SCENARIOS)]
        return iter(dict.fromkeys([*self._shared, *own]))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def uploaded(self) -> dict[str, Any]:
        """The client's own scenarios, as uploaded."""
        return dict(sorted(self._store.items(SCENARIOS)))


class ClientCatalog:
    """Duck-types `Catalog` for the domain: institutions and search are the server's, scenarios layered."""

    scenario_for = Catalog.scenario_for

    def __init__(self, shared: Catalog, store: Store, parse: Parse) -> None:
        self.institutions = shared.institutions
        self.scenarios = ClientScenarios(shared.scenarios, store, parse)
        self.search = shared.search
        self.by_code = shared.by_code
        self.micro_deposit_rules = shared.micro_deposit_rules
        self.blocked_routing_numbers = shared.blocked_routing_numbers
        self.declared_accounts = shared.declared_accounts
