"""An unknown path's 404 names the nearest routes ("did you mean"), in MX's error shape; a view's own 404 and
a path like nothing served do not."""

from __future__ import annotations

import pytest

from tests.support import FlaskHttp


@pytest.mark.parametrize(
    ("method", "path", "first"),
    [
        ("POST", "/members/MBR-1/verfy", "POST /members/{guid}/verify"),
        ("GET", "/member/MBR-1/acounts", "GET /members/{guid}/accounts"),
        ("POST", "/my-client/user.json", "POST /{client_id}/users.json"),
        ("GET", "/__admin/clok", "GET /__admin/clock"),
    ],
)
def test_a_typo_is_answered_with_the_nearest_routes(app, method, path, first):
    r = FlaskHttp(app).request(method, path)
    assert r.status == 404 and r.json["error"]["code"] == 4040
    message = r.json["error"]["message"]
    assert message.startswith(f"No such endpoint: {method} {path}. Did you mean {first}")
    assert set(r.json) == {"error"} and set(r.json["error"]) == {"code", "message"}  # MX's shape, nothing added


def test_nothing_near_suggests_nothing(app):
    r = FlaskHttp(app).get("/totally/unrelated/thing/here")
    assert r.json["error"]["message"] == "No such endpoint: GET /totally/unrelated/thing/here."


def test_a_views_own_404_suggests_nothing(app):
    r = FlaskHttp(app).get("/members/MBR-nope", headers={"MD-SESSION-TOKEN": "test_session"})
    assert r.status == 404 and "Did you mean" not in r.json["error"]["message"]
