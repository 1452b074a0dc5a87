"""Reads and refused calls create no client world; the registry stays flat under a flood of unknown ids."""

from __future__ import annotations

from tests.support import API_KEY


def test_reading_an_unknown_clients_clock_is_a_404_and_creates_nothing(app, http):
    r = http.get("/__admin/clients/typo/clock")
    assert r.status == 404 and r.json["error"]["code"] == 4040
    assert "typo" not in app.extensions["mocknexus.worlds"].client_ids()


def test_reads_of_many_unknown_client_ids_leave_the_world_count_flat(app, http):
    registry = app.extensions["mocknexus.worlds"]
    before = len(registry.client_ids())
    for i in range(2000):
        assert http.get(f"/unknown-{i}/users.json", headers=API_KEY).status == 200
    assert len(registry.client_ids()) == before
    assert not any(name.startswith("client:unknown-") for name in getattr(registry.root, "_partitions", {}))
