"""Reads and refused calls create no client world; the registry stays flat under a flood of unknown ids."""

from __future__ import annotations

import gc
import io
import sys
from urllib.parse import urlparse

import pytest
from werkzeug.test import EnvironBuilder

from mocknexus.app import create_app
from mocknexus.config import Config
from tests.support import API_KEY, CLIENT, FlaskHttp, new_user


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


def test_50000_reads_of_distinct_unknown_client_ids_leave_worlds_and_memory_flat(app):
    """Straight through the WSGI app (the test client's own bookkeeping would swamp the figures). Memory is
    compared between the 10 000th and the 50 000th read, after the bounded caches (the server journal's last
    entries, the routing cache) have filled, as the interpreter's count of allocated memory blocks: every
    object a read left behind would count, and a world kept per id holds dozens (tracemalloc measured the
    same thing, but slowed each read fourfold: this test was the suite's longest by far)."""
    registry = app.extensions["mocknexus.worlds"]
    before = len(registry.client_ids())

    base = EnvironBuilder(path="/unknown/users.json", headers=API_KEY).get_environ()
    del base["wsgi.input"]  # a GET without a body; each read gets its own stream below

    def read(i: int) -> None:
        environ = {**base, "PATH_INFO": f"/unknown-{i}/users.json", "wsgi.input": io.BytesIO()}
        statuses: list[str] = []
        b"".join(app(environ, lambda status, headers, exc_info=None: statuses.append(status)))
        assert statuses == ["200 OK"]

    for i in range(10_000):
        read(i)
    gc.collect()
    at_10k = sys.getallocatedblocks()
    for i in range(10_000, 50_000):
        read(i)
    gc.collect()
    growth = sys.getallocatedblocks() - at_10k
    assert len(registry.client_ids()) == before
    assert not any(name.startswith("client:unknown-") for name in getattr(registry.root, "_partitions", {}))
    # Under one block per read: a world (or any single object) kept per id would be 40 000 at least.
    assert growth < 20_000, f"{growth} memory blocks kept by 40 000 reads"


def test_past_max_clients_a_call_creating_one_more_world_is_mx_503_and_keeps_nothing(clock):
    app = create_app(Config(seed=7, max_clients=2), clock=clock)
    http = FlaskHttp(app)
    for client in ("first", "second"):
        assert http.post(f"/{client}/users.json", json={"user": {"id": "u"}}, headers=API_KEY).status == 200
    r = http.post("/third/users.json", json={"user": {"id": "u"}}, headers=API_KEY)
    assert r.status == 503 and r.json == {"error": {"code": 5030, "message": r.json["error"]["message"]}}
    assert "--max-clients" in r.json["error"]["message"]
    registry = app.extensions["mocknexus.worlds"]
    assert registry.client_ids() == ["first", "second"]
    assert http.get("/third/users.json", headers=API_KEY).json["users"] == []  # the refused call left nothing
    # A world holding nothing makes room: forgetting one lets the third in.
    assert http.delete("/__admin/clients/first").status in (200, 204)
    assert http.post("/third/users.json", json={"user": {"id": "u"}}, headers=API_KEY).status == 200


def test_the_openapi_document_declares_the_503_where_a_call_names_a_client_id(http):
    paths = http.get("/__admin/openapi.json").json["paths"]
    assert "503" in paths["/{client_id}/users.json"]["post"]["responses"]
    assert "503" in paths["/{client_id}/users/{user_id}/urls.json"]["post"]["responses"]
    assert "503" in paths["/__admin/clients/{client_id}/clock/advance"]["post"]["responses"]
    assert "503" not in paths["/members/{guid}"]["get"]["responses"]  # a session's world exists already


@pytest.mark.parametrize("how", ["forget", "reset"])
def test_forgetting_or_resetting_a_client_kills_its_old_widget_url(app, http, how):
    user_id = new_user(http)
    body = {"url": {"type": "connect_widget"}}
    r = http.post(f"/{CLIENT}/users/{user_id}/urls.json", json=body, headers=API_KEY)
    assert r.status == 200, r.json
    path = urlparse(r.json["url"]["url"]).path
    if how == "forget":
        assert http.delete(f"/__admin/clients/{CLIENT}").status in (200, 204)
    else:
        assert http.post(f"/__admin/clients/{CLIENT}/reset").status in (200, 204)
    page = http.get(path)
    assert page.status >= 400  # the token no longer reaches any world
    registry = app.extensions["mocknexus.worlds"]
    if how == "forget":
        assert CLIENT not in registry.client_ids()  # opening the old URL did not bring the client back
    else:
        assert registry.get(CLIENT).emulator.count_users() == 0
