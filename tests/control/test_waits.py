"""Server-side waits: on a member's connection status and on the journal, per client id, with a timeout.

No timing assertions: each test checks what a wait answers, not how fast.
"""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from mocknexus.app import create_app
from mocknexus.cli import main
from mocknexus.client import AdminClient, WaitTimeout
from tests.support import CLIENT, LiveHttp, LiveServer, create_member, open_session

pytestmark = pytest.mark.live

WAIT = f"/__admin/clients/{CLIENT}"


@pytest.fixture
def live(config, clock):
    with LiveServer(create_app(config, clock=clock)) as server:
        yield server


@pytest.fixture
def polls_only(config, clock):
    """Jobs moved by reads alone (job_time_scale 0): a wait's own checks move them."""
    with LiveServer(create_app(replace(config, job_time_scale=0), clock=clock)) as server:
        yield server


def verifying_member(http, password: str = "challenge") -> tuple[dict, str]:
    headers = open_session(http)
    guid = create_member(http, headers, password=password)["guid"]
    assert http.post(f"/members/{guid}/verify", headers=headers).status == 200
    return headers, guid


def test_a_member_wait_answers_the_member_once_it_is_challenged(polls_only):
    http = LiveHttp(polls_only.url)
    _, guid = verifying_member(http)
    r = http.get(f"{WAIT}/members/{guid}/wait?status=CHALLENGED&timeout=30")
    assert r.status == 200 and r.json["member"]["connection_status"] == "CHALLENGED"
    assert r.json["member"]["is_being_aggregated"] is True


def test_a_member_wait_for_an_end_state_waits_for_the_job_to_end(polls_only):
    http = LiveHttp(polls_only.url)
    _, guid = verifying_member(http, password="password")
    r = http.get(f"{WAIT}/members/{guid}/wait?status=END&timeout=30")
    assert r.status == 200
    assert (r.json["member"]["connection_status"], r.json["member"]["is_being_aggregated"]) == ("CONNECTED", False)
    r = http.get(f"{WAIT}/members/{guid}/wait?status=DENIED,LOCKED&timeout=0")
    assert r.status == 408 and r.json["member"]["connection_status"] == "CONNECTED"


def test_a_member_wait_times_out_with_mx_shaped_408_and_the_current_state(live):
    """The clock is frozen and steps need clock seconds: the job cannot get anywhere."""
    http = LiveHttp(live.url)
    _, guid = verifying_member(http)
    r = http.get(f"{WAIT}/members/{guid}/wait?status=CHALLENGED&timeout=0.3")
    assert r.status == 408
    assert r.json["error"]["code"] == 4080 and "CHALLENGED" in r.json["error"]["message"]
    assert r.json["member"]["guid"] == guid and r.json["member"]["is_being_aggregated"] is True
    assert r.json["member"]["connection_status"] != "CHALLENGED"


def test_a_member_wait_is_woken_by_the_clients_clock(live):
    http = LiveHttp(live.url)
    _, guid = verifying_member(http)
    answer: dict = {}
    waiter = threading.Thread(
        target=lambda: answer.update(r=http.get(f"{WAIT}/members/{guid}/wait?status=CHALLENGED&timeout=60"))
    )
    waiter.start()
    admin = AdminClient(live.url, client_id=CLIENT)
    for _ in range(100):  # advancing the clock (and nothing else) is what moves the job on
        waiter.join(0.05)
        if not waiter.is_alive():
            break
        admin.advance_clock(3)
    waiter.join(60)
    assert answer["r"].status == 200 and answer["r"].json["member"]["connection_status"] == "CHALLENGED"


def test_a_member_wait_is_per_client(live):
    http = LiveHttp(live.url)
    _, guid = verifying_member(http)
    assert http.get(f"/__admin/clients/other/members/{guid}/wait?status=END&timeout=0").status == 404
    assert http.get(f"{WAIT}/members/{guid}/wait?status=SLEEPY").status == 400
    assert http.get(f"{WAIT}/members/{guid}/wait").status == 400  # status is required
    # Server-wide, a member is found in whichever client holds it.
    assert http.get(f"/__admin/members/{guid}/wait?status=CREATED,CONNECTED&timeout=1").status == 200


def test_a_request_wait_answers_once_the_journal_holds_n_matching_requests(live):
    http = LiveHttp(live.url)
    headers = open_session(http)
    answer: dict = {}
    query = "method=GET&path=/members*&count=3&timeout=60"
    waiter = threading.Thread(target=lambda: answer.update(r=http.get(f"{WAIT}/requests/wait?{query}")))
    waiter.start()
    for _ in range(3):
        assert http.get("/members", headers=headers).status == 200
        http.get("/user", headers=headers)  # not matching
    waiter.join(60)
    r = answer["r"]
    assert r.status == 200
    assert [(e["method"], e["path"], e["client_id"]) for e in r.json["requests"]] == [("GET", "/members", CLIENT)] * 3


def test_a_request_wait_times_out_with_what_matched_so_far(live):
    http = LiveHttp(live.url)
    headers = open_session(http)
    http.get("/members", headers=headers)
    r = http.get(f"{WAIT}/requests/wait?path=/members&count=2&timeout=0.2")
    assert r.status == 408 and r.json["error"]["code"] == 4080
    assert [e["path"] for e in r.json["requests"]] == ["/members"]
    # Another client's calls do not count toward this client's wait.
    r = http.get("/__admin/clients/other/requests/wait?path=/members&timeout=0")
    assert r.status == 408 and r.json["requests"] == []


def test_the_python_client_and_the_cli_wait(polls_only, capsys):
    http = LiveHttp(polls_only.url)
    _, guid = verifying_member(http)
    admin = AdminClient(polls_only.url).for_client(CLIENT)
    assert admin.wait_for_member(guid, "CHALLENGED", timeout=30)["connection_status"] == "CHALLENGED"
    with pytest.raises(WaitTimeout) as timed_out:
        admin.wait_for_member(guid, "END", timeout=0.2)
    assert timed_out.value.status == 408 and timed_out.value.body["member"]["connection_status"] == "CHALLENGED"
    assert [e["method"] for e in admin.wait_for_requests("POST", "/members/*/verify")] == ["POST"]
    with pytest.raises(WaitTimeout):
        admin.wait_for_requests(path="/nothing", timeout=0.1)
    url = ["admin", "--url", polls_only.url, "--client-id", CLIENT]
    assert main([*url, "wait", "member", guid, "CHALLENGED", "--timeout", "5"]) == 0
    assert capsys.readouterr().out.count("CHALLENGED") >= 1
    assert main([*url, "wait", "member", guid, "END", "--timeout", "0.1"]) == 1
    assert "408" in capsys.readouterr().err
    assert main([*url, "wait", "requests", "--method", "POST", "--path", "/sessions", "--count", "1"]) == 0


def test_the_python_client_uploads_scenarios_to_its_client(live):
    admin = AdminClient(live.url, client_id=CLIENT)
    [uploaded] = admin.upload_scenarios({"mine": {"steps": [], "end": "CLOSED"}})
    assert uploaded["name"] == "mine" and uploaded["end"] == "CLOSED"
    assert "mine" in {s["name"] for s in admin.scenarios()}
    assert "mine" not in {s["name"] for s in AdminClient(live.url).scenarios()}
    admin.remove_scenario("mine")
    assert "mine" not in {s["name"] for s in admin.scenarios()}
    with pytest.raises(ValueError):
        AdminClient(live.url).upload_scenarios({"mine": {"steps": [], "end": "CLOSED"}})
