"""Nexus's response dialect per request: `X-Mocknexus-Dialect` (mocknexus's own header: MX tells its two
documentation generations apart by none) picks g21, v1 or union for one call; without it the server's
--mx-dialect answers; an unknown one is a 406."""

from __future__ import annotations

from mocknexus.app import create_app
from mocknexus.config import Config
from tests.support import FlaskHttp, create_member, open_session


def test_each_call_may_name_its_dialect(clock):
    http = FlaskHttp(create_app(Config(mx_dialect="v1"), clock=clock))
    headers = open_session(http)
    guid = create_member(http, headers, "correct")["guid"]
    v1 = http.get(f"/members/{guid}", headers=headers).json["member"]  # the server's dialect
    g21 = http.get(f"/members/{guid}", headers={**headers, "X-Mocknexus-Dialect": "g21"}).json["member"]
    union = http.get(f"/members/{guid}", headers={**headers, "X-Mocknexus-Dialect": "UNION"}).json["member"]
    assert "revision" in g21 and "revision" not in v1  # a key only MX's 2021 guide shows
    assert "use_cases" in v1 and "use_cases" not in g21  # and one only today's v1 reference does
    assert set(v1) < set(union) and set(g21) < set(union)


def test_an_unknown_dialect_is_a_406(clock):
    http = FlaskHttp(create_app(Config(), clock=clock))
    headers = open_session(http)
    r = http.get("/members", headers={**headers, "X-Mocknexus-Dialect": "2019"})
    assert r.status == 406
    assert r.json["error"]["message"] == "X-Mocknexus-Dialect names one of union, g21, v1."
