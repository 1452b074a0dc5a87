"""Issue 28, point 1: a webhook URL (or OAuth 2 token URL) that would reach this server itself, or a link-local
or cloud metadata address, is an MX 400 at configuration, unless the operator allows it
(--webhook-allow-internal). Nothing here lets the server send anywhere: rules about hosts beyond loopback are
tested at configuration; the send-time check is tested with a configuration that skipped the first one."""

from __future__ import annotations

import pytest

from mocknexus.app import create_app
from mocknexus.cli import main
from mocknexus.config import Config
from mocknexus.control.worlds import Worlds
from tests.support import CLIENT, FlaskHttp, create_member, open_session
from tests.webhooks.support import rig

HOOKS = f"/__admin/clients/{CLIENT}/webhooks"
OWN = Config().port  # the `http` fixture's app serves (as far as it knows) on --port's default

AIMED_HOME = [
    f"http://127.0.0.1:{OWN}/__admin/reset",
    f"http://localhost:{OWN}/__admin/reset",
    f"http://127.0.0.2:{OWN}/__admin/clients/victim/reset",  # all of 127/8 is this machine
    f"http://0.0.0.0:{OWN}/__admin/reset",  # connecting to 0.0.0.0 reaches the local host
    f"http://[::1]:{OWN}/__admin/reset",
    f"http://[::ffff:127.0.0.1]:{OWN}/__admin/reset",
    f"http://127.1:{OWN}/__admin/reset",  # inet_aton's short form
    f"http://2130706433:{OWN}/__admin/reset",  # and its integer form
    f"http://user:pw@127.0.0.1:{OWN}/__admin/reset",
]
INTERNAL = [
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "http://169.254.170.2/v2/credentials",
    "http://[fe80::1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://100.100.100.200/latest/meta-data/",
]


@pytest.mark.parametrize("url", AIMED_HOME + INTERNAL)
def test_a_url_aimed_at_the_server_itself_or_an_internal_address_is_a_400(http, url):
    for path, body in (
        (HOOKS, {"url": url}),
        (HOOKS, {"urls": {"MEMBER": url}}),
        ("/__admin/webhooks", {"url": url}),
        (
            HOOKS,
            {"url": "http://127.0.0.1:9/hook", "oauth2": {"token_url": url, "client_id": "c", "client_secret": "s"}},
        ),
    ):
        r = http.put(path, json=body)
        assert r.status == 400, (path, body, r.json)
        assert r.json["error"]["message"].startswith("Webhook configuration: "), r.json
        assert "--webhook-allow-internal" in r.json["error"]["message"] or "multicast" in r.json["error"]["message"]
    assert http.get(HOOKS).json == {"config": None, "source": "none"}


def test_a_receiver_on_loopback_on_another_port_is_accepted(http):
    for url in (f"http://127.0.0.1:{OWN + 1}/hook", "http://localhost:9000/hook", "http://[::1]:9000/hook"):
        r = http.put(HOOKS, json={"url": url})
        assert r.status == 200, r.json


def test_the_port_a_live_server_was_given_counts_as_its_own():
    with rig(subscribe=False) as t:
        port = t.server.url.rsplit(":", 1)[1]
        for host in ("127.0.0.1", "localhost", "0.0.0.0"):
            r = t.http.put(HOOKS, json={"url": f"http://{host}:{port}/__admin/reset"})
            assert r.status == 400 and "this server itself" in r.json["error"]["message"], r.json
        assert t.http.put(HOOKS, json={"url": t.receiver.url}).status == 200


def test_the_operator_can_allow_internal_targets(clock):
    app = create_app(Config(seed=7, webhook_allow_internal=True), clock=clock)
    try:
        http = FlaskHttp(app)
        for url in (f"http://127.0.0.1:{OWN}/hook", "http://169.254.169.254/"):
            assert http.put(HOOKS, json={"url": url}).status == 200
    finally:
        app.extensions["mocknexus.background"].stop()
        app.extensions["mocknexus.webhooks"].close()


def test_the_environment_variable_allows_it_too():
    assert Config.from_env({"MOCKNEXUS_WEBHOOK_ALLOW_INTERNAL": "true"}).webhook_allow_internal is True
    assert Config.from_env({}).webhook_allow_internal is False
    with pytest.raises(ValueError, match="not a valid bool"):
        Config.from_env({"MOCKNEXUS_WEBHOOK_ALLOW_INTERNAL": "perhaps"})


def test_a_server_wide_webhook_url_aimed_home_does_not_start(capsys):
    assert main(["serve", "--port", "18999", "--webhook-url", "http://127.0.0.1:18999/__admin/reset"]) == 2
    assert "this server itself" in capsys.readouterr().err


def test_a_configuration_that_skipped_the_check_is_refused_when_sent():
    """A configuration loaded from a snapshot (or written before this rule) is checked again at each attempt:
    recorded as not sent, and the server never receives it."""
    with rig(subscribe=False) as t:
        headers = open_session(t.http)
        worlds: Worlds = t.server.server.app.extensions["mocknexus.worlds"]
        hub = t.server.server.app.extensions["mocknexus.webhooks"]
        world = worlds.existing(CLIENT)
        hub.outbox(world).configure({"url": f"{t.server.url}/__admin/reset"})  # no check: as a snapshot would
        guid = create_member(t.http, headers, password="password")["guid"]
        [delivery] = t.admin.wait_for_deliveries(type="MEMBER", member_guid=guid, attempts=1)
        assert delivery["attempts"][0]["status_code"] is None
        assert (
            "not sent" in delivery["attempts"][0]["error"] and "this server itself" in delivery["attempts"][0]["error"]
        )
        assert not [e for e in t.admin.requests() if e["path"] == "/__admin/reset"]
        assert t.http.get(f"/members/{guid}", headers=headers).status == 200  # nothing was reset
