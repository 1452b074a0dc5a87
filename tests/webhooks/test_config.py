"""Webhook configuration through the control plane (per client world, and the server's default from the
control plane, --webhook-url or a fixture file), secrets masked on read, and MX-shaped refusals."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from mocknexus.app import create_app
from mocknexus.loader import FixtureError
from tests.support import CLIENT, FlaskHttp, create_member, open_session

pytestmark = pytest.mark.both_stores

HOOKS = f"/__admin/clients/{CLIENT}/webhooks"
OAUTH = {"token_url": "http://h/t", "client_id": "c", "client_secret": "s"}


def test_a_client_url_is_configured_read_back_masked_and_removed(http):
    assert http.get(HOOKS).json == {"config": None, "source": "none"}
    body = {"url": "http://127.0.0.1:9000/hook", "basic_auth": {"username": "u", "password": "hunter2-secret"}}
    r = http.put(HOOKS, json=body)
    assert r.status == 200
    assert r.json["source"] == "client"
    assert r.json["config"]["url"] == "http://127.0.0.1:9000/hook"
    assert r.json["config"]["basic_auth"] == {"username": "u", "password": "****"}
    assert http.get(HOOKS).json["config"]["basic_auth"]["password"] == "****"
    assert "hunter2-secret" not in json.dumps(http.get("/__admin/clients").json)
    assert http.delete(HOOKS).json == {"config": None, "source": "none"}


def test_per_type_urls_and_oauth2(http):
    body = {
        "urls": {"CONNECTION_STATUS": "http://127.0.0.1:9000/status", "VERIFICATION": "http://127.0.0.1:9000/v"},
        "oauth2": {"token_url": "http://127.0.0.1:9000/token", "client_id": "c", "client_secret": "s"},
    }
    r = http.put(HOOKS, json=body)
    assert r.status == 200
    assert r.json["config"]["urls"] == body["urls"] and r.json["config"]["url"] is None
    assert r.json["config"]["oauth2"]["client_secret"] == "****"


@pytest.mark.parametrize(
    "body, says",
    [
        ({}, "give a url"),
        ({"url": "ftp://x"}, "url: must be an http"),
        ({"url": "http://h/x", "urls": {"NOPE": "http://h/y"}}, "unknown webhook type"),
        ({"url": "http://h/x", "basic_auth": {"username": "u"}}, "basic_auth"),
        ({"url": "http://h/x", "timeout": -1}, "timeout"),
        ({"url": "http://h/x", "color": "red"}, "unknown field"),
        ({"url": "http://h/x", "basic_auth": {"username": "u", "password": "p"}, "oauth2": OAUTH}, "give one"),
    ],
)
def test_a_bad_configuration_is_an_mx_400_that_changes_nothing(http, body, says):
    r = http.put(HOOKS, json=body)
    assert r.status == 400 and says in r.json["error"]["message"], r.json
    assert http.get(HOOKS).json["source"] == "none"


def test_the_server_default_applies_to_every_client_without_its_own(http):
    r = http.put("/__admin/webhooks", json={"url": "http://127.0.0.1:9000/all"})
    assert r.status == 200 and r.json["source"] == "server"
    assert http.get(HOOKS).json == {"config": {**r.json["config"]}, "source": "server"}
    http.put(HOOKS, json={"url": "http://127.0.0.1:9000/mine"})
    assert http.get(HOOKS).json["config"]["url"] == "http://127.0.0.1:9000/mine"


def test_the_webhook_url_flag_and_a_fixture_file_configure_the_server(config, clock, tmp_path):
    flagged = FlaskHttp(create_app(replace(config, webhook_url="http://127.0.0.1:9000/flag"), clock=clock))
    assert flagged.get(HOOKS).json["config"]["url"] == "http://127.0.0.1:9000/flag"
    flagged.post("/__admin/reset")  # a whole-server reset keeps what the flag set
    assert flagged.get("/__admin/webhooks").json["source"] == "server"

    hooks = {"url": "http://127.0.0.1:9000/fixture", "basic_auth": {"username": "u", "password": "p"}}
    (tmp_path / "hooks.json").write_text(json.dumps({"version": 1, "webhooks": hooks}))
    fixtured = FlaskHttp(create_app(replace(config, fixtures=str(tmp_path)), clock=clock))
    assert fixtured.get("/__admin/webhooks").json["config"]["basic_auth"]["password"] == "****"

    (tmp_path / "hooks.json").write_text(json.dumps({"version": 1, "webhooks": {"url": "nope"}}))
    with pytest.raises(FixtureError, match="webhooks: Webhook configuration: url"):
        create_app(replace(config, fixtures=str(tmp_path)), clock=clock)


def test_the_outbox_records_events_with_mx_payloads_and_filters_them(http):
    http.put(HOOKS, json={"url": "http://127.0.0.1:9/closed"})  # nobody listens: attempts fail, records stay
    headers = open_session(http)
    guid = create_member(http, headers, password="password")["guid"]
    r = http.get(f"{HOOKS}/deliveries?type=MEMBER&member_guid={guid}")
    assert r.status == 200
    [created] = r.json["deliveries"]
    assert created["type"] == "MEMBER" and created["payload"]["action"] == "created"
    assert created["client_id"] == CLIENT and created["id"].startswith("WHD-")
    assert http.get(f"{HOOKS}/deliveries/{created['id']}").json["delivery"]["id"] == created["id"]
    assert http.get(f"{HOOKS}/deliveries?type=VERIFICATION").json["deliveries"] == []
    assert http.get(f"{HOOKS}/deliveries?type=NOPE").status == 400
    assert http.get(f"{HOOKS}/deliveries/WHD-99999999").status == 404
    # Server-wide, the same delivery is found among every client's.
    assert created["id"] in [d["id"] for d in http.get("/__admin/webhooks/deliveries").json["deliveries"]]


def test_loading_a_state_snapshot_keeps_the_clients_webhook_configuration(http):
    http.put(HOOKS, json={"url": "http://127.0.0.1:9000/hook"})
    snapshot = http.get(f"/__admin/clients/{CLIENT}/state?reveal=true").json
    assert http.put(f"/__admin/clients/{CLIENT}/state", json=snapshot).status == 200
    assert http.get(HOOKS).json["source"] == "client"


def test_firing_needs_a_configuration_and_a_known_member(http):
    headers = open_session(http)
    guid = create_member(http, headers, password="password")["guid"]
    r = http.post(f"/__admin/clients/{CLIENT}/members/{guid}/webhooks", json={"type": "MEMBER"})
    assert r.status == 409 and "No webhook URL" in r.json["error"]["message"]
    http.put(HOOKS, json={"url": "http://127.0.0.1:9/closed"})
    assert http.post(f"/__admin/clients/{CLIENT}/members/MBR-nope/webhooks", json={"type": "MEMBER"}).status == 404
    assert http.post(f"/__admin/clients/{CLIENT}/members/{guid}/webhooks", json={"type": "NOPE"}).status == 400
    r = http.post(f"/__admin/clients/{CLIENT}/members/{guid}/webhooks", json={"type": "MEMBER"})
    assert r.status == 201 and r.json["deliveries"][0]["fired"] is True


@pytest.mark.live
def test_the_cli_sets_and_shows_webhooks_and_prints_the_outbox(capsys):
    from mocknexus.cli import main
    from tests.webhooks.support import rig

    with rig(subscribe=False) as t:
        base = ["admin", "--url", t.server.url, "--client-id", CLIENT]
        assert main([*base, "webhooks", t.receiver.url]) == 0
        assert json.loads(capsys.readouterr().out)["config"]["url"] == t.receiver.url
        guid = t.member(t.session(), password="password")
        t.receiver.wait_for("MEMBER", guid)
        assert main([*base, "deliveries", "--type", "MEMBER"]) == 0
        assert json.loads(capsys.readouterr().out)[0]["member_guid"] == guid
