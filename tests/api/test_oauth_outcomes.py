"""Every way an OAuth member can end, in every MX dialect: the bank's answers as scenarios (and their delay),
each outcome through the control plane without a browser, MX's hour for a PENDING member, and the window
bound to its client's world."""

from __future__ import annotations

import pytest

from mocknexus.domain.core.clock import Clock
from tests.api.oauth_support import OAuthWorld, posted_message
from tests.conftest import START
from tests.support import API_KEY, CLIENT

DIALECTS = ("union", "g21", "v1")
# The bank's answer to Authorize (a scenario), what MX's complete page posts, and the member's end state.
SCENARIO_OUTCOMES = [
    ("oauth_denied", "DENIED", "DENIED"),
    ("oauth_impeded", "IMPEDED", "IMPEDED"),
    ("oauth_provider_error", "PROVIDER_ERROR", "FAILED"),
    ("oauth_server_error", "SERVER_ERROR", "FAILED"),
]


@pytest.fixture(params=DIALECTS)
def world(request) -> OAuthWorld:
    return OAuthWorld.build(Clock(frozen_at=START), request.param)


@pytest.mark.parametrize(("scenario", "reason", "status"), SCENARIO_OUTCOMES)
def test_the_banks_answer_is_a_scenario(world, scenario, reason, status):
    member = world.create()
    world.drive(member["guid"], scenario)
    done = world.answer(member["oauth_window_uri"], "authorize")
    message = posted_message(done.get_data(as_text=True))
    assert message["type"] == "oauthComplete/error"
    assert message["metadata"] == {"member_guid": member["guid"], "error_reason": reason}
    assert reason in done.get_data(as_text=True)
    final = world.member(member["guid"])
    assert final["connection_status"] == status and final["is_being_aggregated"] is False


def test_a_fixture_institution_declared_oauth_answers_with_its_default_scenario(tmp_path):
    (tmp_path / "bank.json").write_text(
        '{"version": 1, "institutions": [{"code": "slow_oauth_bank", "name": "Slow OAuth Bank",'
        ' "url": "https://slow.example", "oauth": true, "default_scenario": "oauth_slow_bank"}]}'
    )
    world = OAuthWorld.build(Clock(frozen_at=START), fixtures=str(tmp_path))
    found = world.http.post("/institutions/search", json={"institution": {"name": "Slow OAuth"}}, headers=world.headers)
    guid = found.json["institutions"][0]["guid"]
    member = world.create(institution=guid)
    world.answer(member["oauth_window_uri"], "authorize")
    # The bank's answer takes 30 clock seconds: the member stays PENDING (the opener already heard success).
    world.clock.advance(29)
    assert world.member(member["guid"])["connection_status"] == "PENDING"
    world.clock.advance(1)
    assert world.member(member["guid"])["is_being_aggregated"] is True
    assert world.settle(member["guid"])["connection_status"] == "CONNECTED"


@pytest.mark.parametrize(
    ("outcome", "status"),
    [("SUCCESS", "CONNECTED"), ("CANCELLED", "PENDING"), ("SESSION_ERROR", "PENDING")]
    + [(reason, status) for _, reason, status in SCENARIO_OUTCOMES],
)
def test_every_outcome_through_the_control_plane(world, outcome, status):
    member = world.create()
    answer = world.outcome(member["guid"], outcome)
    expected = {"member_guid": member["guid"]} | ({} if outcome == "SUCCESS" else {"error_reason": outcome})
    assert answer["oauth"]["post_message"] == {
        "mx": True,
        "type": "oauthComplete/" + ("success" if outcome == "SUCCESS" else "error"),
        "metadata": expected,
    }
    assert answer["oauth"]["redirect_url"] is None and answer["oauth"]["oauth_window_uri"] is None
    assert world.settle(member["guid"]) if status != "PENDING" else True
    assert world.member(member["guid"])["connection_status"] == status
    assert world.page(member["oauth_window_uri"]).status_code == 410  # the window is spent either way


def test_the_control_plane_reports_the_apps_redirect_and_delays_the_answer(world):
    member = world.create(referral_source="APP", ui_message_webview_url_scheme="mx")
    answer = world.outcome(member["guid"], "success", delay_seconds=10)
    assert answer["oauth"]["redirect_url"] == f"mx://oauth_complete?status=success&member_guid={member['guid']}"
    assert answer["member"]["connection_status"] == "PENDING"
    world.clock.advance(10)
    assert world.settle(member["guid"])["connection_status"] == "CONNECTED"
    assert world.outcome(member["guid"], "MAYBE", status=400)["error"]["code"]
    plain = world.http.post(f"/__admin/clients/{CLIENT}/members/MBR-none/oauth", json={"outcome": "SUCCESS"})
    assert plain.status == 404


def test_a_non_oauth_member_has_no_oauth_outcome(world):
    r = world.http.post(
        "/members",
        json={
            "member": {
                "institution_guid": "INS-1572a04c-912b-59bf-5841-332c7dfafaef",
                "credentials": [
                    {"guid": "CRD-9f61fb4c-912c-bd1e-b175-ccc7f0275cc1", "value": "mxuser"},
                    {"guid": "CRD-e3d7ea81-aac7-05e9-fbdd-4b493c6e474d", "value": "x"},
                ],
            }
        },
        headers=world.headers,
    )
    assert world.outcome(r.json["member"]["guid"], "SUCCESS", status=409)["error"]["code"]


def test_a_pending_member_is_removed_after_mx_hour(world):
    kept = world.create(member={"skip_aggregation": True})
    world.answer(kept["oauth_window_uri"], "authorize")
    cancelled = world.create()
    world.answer(cancelled["oauth_window_uri"], "deny")
    waiting = world.create()
    for seconds in (1200, 1200, 1199):  # reads in between keep the Nexus session (30 minutes idle) open
        world.clock.advance(seconds)
        assert world.read(waiting["guid"])[0] == 200
    world.clock.advance(1)
    assert world.read(waiting["guid"])[0] == 404
    listed = world.http.get("/members", headers=world.headers).json["members"]
    assert [m["guid"] for m in listed] == [kept["guid"]]  # the cancelled one, still PENDING, went too
    assert world.page(waiting["oauth_window_uri"]).status_code == 404


def test_the_window_belongs_to_its_clients_world():
    world = OAuthWorld.build(Clock(frozen_at=START))
    member = world.create()
    other_client = "client-456"
    world.http.post(f"/{other_client}/users.json", json={"user": {"id": "someone"}}, headers=API_KEY)
    # The consent page is found by its token alone, in the client it was issued in.
    assert world.page(member["oauth_window_uri"]).status_code == 200
    r = world.http.post(f"/__admin/clients/{other_client}/members/{member['guid']}/oauth", json={"outcome": "SUCCESS"})
    assert r.status == 404  # another client's control plane does not see it
    world.http.post(f"/__admin/clients/{CLIENT}/reset")
    assert world.page(member["oauth_window_uri"]).status_code == 404  # a reset forgets the window


def test_oauth_state_survives_a_snapshot_and_the_sqlite_store(tmp_path):
    world = OAuthWorld.build(Clock(frozen_at=START), state_file=str(tmp_path / "state.db"))
    member = world.create(referral_source="APP", client_redirect_url="https://partner.example/back")
    state = world.http.get(f"/__admin/clients/{CLIENT}/state?reveal=true").json
    stored = next(m for m in state["members"] if m["guid"] == member["guid"])
    assert stored["oauth"]["referral_source"] == "APP" and stored["oauth"]["window_token"]
    assert world.http.put(f"/__admin/clients/{CLIENT}/state", json=state).status == 200
    done = world.answer(member["oauth_window_uri"], "authorize")
    assert done.status_code == 303 and "status=success" in done.headers["Location"]
    assert world.settle(member["guid"])["connection_status"] == "CONNECTED"


def test_a_new_consent_on_a_connected_member_reaggregates_and_a_failed_one_ends_its_job(world):
    member = world.create()
    world.answer(member["oauth_window_uri"], "authorize")
    assert world.settle(member["guid"])["connection_status"] == "CONNECTED"
    fresh = world.fresh_uri(member["guid"])["member"]["oauth_window_uri"]
    world.answer(fresh, "authorize")
    assert world.member(member["guid"])["is_being_aggregated"] is True  # a new aggregation after re-consent
    world.outcome(member["guid"], "IMPEDED")  # the control plane overrides: the running job stops there
    final = world.member(member["guid"])
    assert final["connection_status"] == "IMPEDED" and final["is_being_aggregated"] is False
    world.clock.advance(60)
    assert world.member(member["guid"])["connection_status"] == "IMPEDED"


def test_the_clock_alone_lands_a_delayed_answer_and_removes_an_abandoned_member():
    """control.background's OAuth ticker: with no request, the bank's delayed answer reaches its member and
    a member left PENDING is removed after MX's hour. Members are read from the store as it is (settling
    nothing), so only work done without a request can have changed them."""
    world = OAuthWorld.build(Clock(frozen_at=START), background_seconds=0)  # no daemon: only clock moves
    store = world.app.extensions["mocknexus.worlds"].get(CLIENT).emulator.store
    slow = world.create()
    world.drive(slow["guid"], "oauth_slow_bank")
    world.answer(slow["oauth_window_uri"], "authorize")
    waiting = world.create()

    def advance(seconds: float) -> None:
        assert world.http.post(f"/__admin/clients/{CLIENT}/clock/advance", json={"seconds": seconds}).status == 200

    advance(29)
    assert store.get("members", slow["guid"]).connection_status.name == "PENDING"
    advance(1)
    landed = store.get("members", slow["guid"])
    assert landed.oauth.applied and landed.is_being_aggregated  # its aggregation started, nobody polling
    advance(3600 - 30)
    assert store.get("members", waiting["guid"]) is None  # MX's hour, by the clock alone
    assert store.get("oauth_windows", waiting["oauth_window_uri"].rsplit("/", 1)[1]) is None
    assert store.get("members", slow["guid"]) is not None
