"""A team sandbox: two and three `mocknexus serve --store postgresql://...` replicas on one database of a real
PostgreSQL server behave as one server: a flow hopping between them, racing creates, one-time tokens, one
clock per client, waits woken by another replica's write, forget and reset seen everywhere, and each webhook
delivery received once."""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
import requests

from mocknexus.client import AdminClient
from mocknexus.webhook_receiver import WebhookReceiver
from tests.store.replicas import credentials, replicas, session

pytestmark = [pytest.mark.live, pytest.mark.xdist_group("postgres_replicas")]

KEY = {"MD-API-KEY": "k"}
MX_BANK = "INS-1572a04c-912b-59bf-5841-332c7dfafaef"
MX_BANK_OAUTH = "INS-68e96dd6-eabd-42d3-9f05-416897f0746c"
POLLS = {"MOCKNEXUS_JOB_TIME_SCALE": "0"}  # jobs move on polls alone: each hop below is one step


@pytest.fixture
def three(postgres_url, tmp_path):
    with replicas(postgres_url, tmp_path, 3, POLLS) as started:
        yield [r.base for r in started]


def test_a_flow_alternating_between_three_replicas_is_one_flow(three):
    hop = itertools.cycle(three)
    a, b, c = three
    requests.post(f"{a}/team/users.json", json={"user": {"id": "alice"}}, headers=KEY, timeout=10).raise_for_status()
    assert (
        requests.post(f"{b}/team/users.json", json={"user": {"id": "alice"}}, headers=KEY, timeout=10).status_code
        == 409
    )
    token = requests.get(f"{b}/team/users/alice/api_token.json", headers=KEY, timeout=10).json()["api_token"]["token"]
    opened = requests.post(f"{c}/sessions", json={"session": {}}, headers={"MD-API-TOKEN": token}, timeout=10)
    auth = {"MD-SESSION-TOKEN": opened.json()["session"]["token"]}
    body = {"member": {"institution_guid": MX_BANK, "credentials": credentials(a, auth, "challenge")}}
    member = requests.post(f"{a}/members", json=body, headers=auth, timeout=10).json()["member"]["guid"]
    statuses = []
    while not statuses or statuses[-1] != "CHALLENGED":  # one poll per replica in turn moves the one job
        statuses.append(
            requests.get(f"{next(hop)}/members/{member}", headers=auth, timeout=10).json()["member"][
                "connection_status"
            ]
        )
        assert len(statuses) < 20, statuses
    challenge = requests.get(f"{b}/members/{member}/challenges", headers=auth, timeout=10).json()["challenges"][0]
    answer = {"member": {"challenges": [{"guid": challenge["guid"], "value": "correct"}]}}
    assert requests.put(f"{c}/members/{member}/resume", json=answer, headers=auth, timeout=10).status_code == 200
    done = AdminClient(a, client_id="team").wait_for_member(member, "END", timeout=30)
    assert done["connection_status"] == "CONNECTED"
    accounts = requests.get(f"{b}/members/{member}/accounts", headers=auth, timeout=10).json()["accounts"]
    assert len(accounts) == 2
    # One clock per client, whichever replica moves it: a session idle past 30 minutes is gone on every replica.
    moved = AdminClient(c, client_id="team").advance_clock(1801)["now"]
    assert {AdminClient(base, client_id="team").clock()["now"][:16] for base in three} == {moved[:16]}
    for base in three:
        assert requests.get(f"{base}/members/{member}", headers=auth, timeout=10).status_code == 401


def test_racing_creates_on_two_replicas_make_one_each(postgres_url, tmp_path):
    with replicas(postgres_url, tmp_path, 2, POLLS) as (one, two):
        bases = [one.base, two.base] * 8

        def create(args: tuple[int, str]) -> int:
            n, base = args
            return requests.post(
                f"{base}/race/users.json", json={"user": {"id": f"u{n // 16}"}}, headers=KEY, timeout=30
            ).status_code

        with ThreadPoolExecutor(16) as pool:
            codes = list(pool.map(create, [(n, bases[n % 16]) for n in range(5 * 16)]))
        for user in range(5):  # sixteen racers per user id, half on each replica: one 200, fifteen 409s
            assert sorted(codes[user * 16 : (user + 1) * 16]) == [200] + [409] * 15
        users = AdminClient(two.base, client_id="race").state()["users"]
        assert sorted(u["id"] for u in users) == [f"u{i}" for i in range(5)]
        assert len({u["guid"] for u in users}) == 5


def test_one_time_tokens_stay_one_time_across_replicas(postgres_url, tmp_path):
    with replicas(postgres_url, tmp_path, 2, POLLS) as (one, two):
        a, b = one.base, two.base
        requests.post(f"{a}/once/users.json", json={"user": {"id": "o"}}, headers=KEY, timeout=10).raise_for_status()
        # api_tokens: each traded for a session once, the two replicas racing for it.
        for _ in range(5):
            token = requests.get(f"{a}/once/users/o/api_token.json", headers=KEY, timeout=10).json()["api_token"][
                "token"
            ]
            with ThreadPoolExecutor(4) as pool:
                codes = list(pool.map(
                    lambda base, token=token: requests.post(f"{base}/sessions", json={"session": {}}, headers={"MD-API-TOKEN": token}, timeout=10).status_code,
                    [a, b, a, b],
                ))  # fmt: skip
            assert sorted(codes) == [200, 401, 401, 401], codes
        # A Connect widget URL opens once, on whichever replica.
        url = requests.get(f"{b}/once/users/o/urls/connect_widget", headers=KEY, timeout=10).json()["url"]["url"]
        path = urlsplit(url).path
        with ThreadPoolExecutor(4) as pool:
            codes = list(pool.map(lambda base: requests.get(base + path, timeout=10).status_code, [a, b, a, b]))
        assert sorted(codes) == [200, 410, 410, 410], codes
        # An OAuth window is answered once.
        auth = session(a, "once", "oauth-user")
        created = requests.post(
            f"{b}/members",
            json={"member": {"institution_guid": MX_BANK_OAUTH, "is_oauth": True}},
            headers=auth,
            timeout=10,
        )
        window = urlsplit(created.json()["member"]["oauth_window_uri"]).path
        assert requests.get(a + window, timeout=10).status_code == 200
        answers = [
            requests.post(base + window, data={"action": "authorize"}, timeout=10).status_code for base in (b, a)
        ]
        assert answers[0] == 200 and answers[1] >= 400, answers


def test_a_wait_on_one_replica_wakes_when_another_writes_and_forget_is_seen_everywhere(postgres_url, tmp_path):
    with replicas(postgres_url, tmp_path, 2, POLLS) as (one, two):
        a, b = one.base, two.base
        auth = session(a, "waits", "w")
        body = {"member": {"institution_guid": MX_BANK, "credentials": credentials(a, auth, "challenge")}}
        member = requests.post(f"{a}/members", json=body, headers=auth, timeout=10).json()["member"]["guid"]
        assert (
            AdminClient(b, client_id="waits").wait_for_member(member, "CHALLENGED", timeout=30)["connection_status"]
            == "CHALLENGED"
        )
        with ThreadPoolExecutor(1) as pool:  # a wait on b, for what a call on a makes happen
            waiting = pool.submit(AdminClient(b, client_id="waits").wait_for_member, member, "END", 30)
            challenge = requests.get(f"{a}/members/{member}/challenges", headers=auth, timeout=10).json()["challenges"][
                0
            ]
            answer = {"member": {"challenges": [{"guid": challenge["guid"], "value": "correct"}]}}
            assert (
                requests.put(f"{a}/members/{member}/resume", json=answer, headers=auth, timeout=10).status_code == 200
            )
            assert waiting.result(60)["connection_status"] == "CONNECTED"
        # The inspector's and the control plane's views are the shared state's.
        assert [c["client_id"] for c in AdminClient(b).clients()] == ["waits"]
        AdminClient(b).forget_client("waits")
        assert AdminClient(a).clients() == []
        assert requests.get(f"{a}/members/{member}", headers=auth, timeout=10).status_code == 401
        assert requests.get(f"{a}/waits/users/w.json", headers=KEY, timeout=10).status_code == 404
        # A whole-server reset on one replica empties every replica's view.
        session(b, "again", "x")
        AdminClient(a).reset()
        assert AdminClient(b).clients() == [] and AdminClient(b).state()["clients"] == []


def test_webhooks_from_two_replicas_reach_the_receiver_once_each(postgres_url, tmp_path):
    with WebhookReceiver() as receiver, replicas(postgres_url, tmp_path, 2) as (one, two):
        AdminClient(one.base, client_id="hooks").configure_webhooks(
            receiver.url
        )  # the other learns it from the database
        guids = []
        for i in range(8):
            base = (one.base, two.base)[i % 2]
            auth = session(base, "hooks", f"h{i}")
            body = {
                "member": {
                    "institution_guid": MX_BANK,
                    "skip_aggregation": True,
                    "credentials": credentials(base, auth, "password", f"user{i}"),
                }
            }
            guids.append(requests.post(f"{base}/members", json=body, headers=auth, timeout=10).json()["member"]["guid"])
        done = AdminClient(two.base, client_id="hooks").wait_for_deliveries(
            type="MEMBER", status="delivered", count=8, timeout=60
        )
        assert all(len(d["attempts"]) == 1 for d in done)
        for guid in guids:
            receiver.wait_for("MEMBER", guid, timeout=30)
        received = receiver.of_type("MEMBER", accepted_only=False)
        assert sorted(w.member_guid for w in received) == sorted(guids)  # once each, whichever replica sent it
