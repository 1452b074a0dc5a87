"""Issue 28, point 5: refusing a call at --max-clients costs O(1), not a walk over every world under the
registry's lock; a world that comes to hold nothing still makes room for the next one."""

from __future__ import annotations

import pytest

from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.control.world import World
from tests.support import API_KEY, FlaskHttp

CAP = 300


@pytest.fixture
def full(clock):
    app = create_app(Config(seed=7, max_clients=CAP), clock=clock)
    http = FlaskHttp(app)
    for i in range(CAP):
        assert http.post(f"/c{i}/users.json", json={"user": {"id": "u"}}, headers=API_KEY).status == 200
    yield app, http
    app.extensions["mocknexus.background"].stop()


def test_a_refusal_at_the_cap_looks_at_no_world(full, monkeypatch):
    _, http = full
    looked = []
    original = World.holds_state
    monkeypatch.setattr(World, "holds_state", lambda self: looked.append(self.client_id) or original(self))
    first = http.post("/newcomer/users.json", json={"user": {"id": "u"}}, headers=API_KEY)
    assert first.status == 503
    looked.clear()
    for n in range(20):
        r = http.post(f"/newcomer-{n}/users.json", json={"user": {"id": "u"}}, headers=API_KEY)
        assert r.status == 503, r.json
    # Each refusal asks its own provisional world whether it holds state (and whatever changed meanwhile:
    # nothing did); main asked all 300 registered worlds each time.
    assert all(c.startswith("newcomer-") for c in looked), sorted(set(looked))[:5]
    assert len(looked) <= 2 * 20


def test_a_world_that_comes_to_hold_nothing_makes_room(full):
    app, http = full
    assert http.post("/late/users.json", json={"user": {"id": "u"}}, headers=API_KEY).status == 503
    assert http.delete("/c123/users/u.json", headers=API_KEY).status in (200, 204)
    assert http.post("/late/users.json", json={"user": {"id": "u"}}, headers=API_KEY).status == 200
    ids = app.extensions["mocknexus.worlds"].client_ids()
    assert "late" in ids and "c123" not in ids and len(ids) == CAP
