"""Routing from the (method, path) cache (web/route_cache.py) answers exactly what werkzeug answers, the
second time as the first, and never caches a URL the request's headers may hand to another API."""

from __future__ import annotations

import base64
import re

from werkzeug.exceptions import HTTPException
from werkzeug.test import EnvironBuilder

from mocknexus.app import create_app
from mocknexus.config import Config
from tests.support import FlaskHttp

BASIC = {"Authorization": "Basic " + base64.b64encode(b"mocknexus:key").decode()}
NEXUS = {"MD-SESSION-TOKEN": "test_session"}


def _sample(template: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: f"x-{m.group(1)}", template)


def _werkzeug(app, environ):
    """What werkzeug itself answers: the map bound as Flask binds it, uncached."""
    try:
        return app.url_map.bind_to_environ(environ, server_name=None, subdomain="").match(return_rule=True)
    except HTTPException as error:
        return type(error)


def _cached(app, environ):
    adapter = app.create_url_adapter(app.request_class(environ))
    try:
        return adapter.match(return_rule=True)
    except HTTPException as error:
        return type(error)


def test_every_route_matches_as_werkzeug_matches_it_from_the_cache_and_without():
    app = create_app(Config())
    checked = 0
    for rule in app.url_map.iter_rules():
        path = _sample(rule.rule)
        for method in sorted((rule.methods or set()) | {"PATCH"}):
            for headers in ({}, NEXUS, BASIC):
                environ = EnvironBuilder(path=path, method=method, headers=headers).get_environ()
                expected = _werkzeug(app, environ)
                assert _cached(app, dict(environ)) == expected, (method, path, headers)
                assert _cached(app, dict(environ)) == expected, (method, path, headers)  # now from the cache
                checked += 1
    assert checked > 500 and app.url_map.route_cache.matches


def test_a_url_two_apis_share_is_routed_by_each_requests_headers_every_time():
    http = FlaskHttp(create_app(Config()))
    for _ in range(3):  # alternating: a cached answer for one API would route the other's request
        nexus = http.get("/institutions/mxbank", headers=NEXUS)
        platform = http.get("/institutions/mxbank", headers=BASIC)
        assert nexus.status == 404 and "institution" not in nexus.json  # Nexus names institutions by guid
        assert platform.status == 200 and platform.json["institution"]["code"] == "mxbank"


def test_the_cache_is_bounded():
    app = create_app(Config())
    http = FlaskHttp(app)
    for i in range(5000):
        http.get(f"/members/MBR-{i}", headers=NEXUS)
    assert 0 < len(app.url_map.route_cache.matches) <= 4096
