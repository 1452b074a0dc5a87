"""Small hardening points: the admin token's scheme is case-insensitive, the journal survives a client that
goes away mid-body, and paging parameters are validated the same way under marshmallow 3 and 4."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from marshmallow import Schema, validate

import mocknexus.schemas
from mocknexus.app import create_app
from mocknexus.config import Config
from tests.support import FlaskHttp, open_session

# ---- admin token --------------------------------------------------------------------------------------------


@pytest.fixture
def guarded() -> FlaskHttp:
    return FlaskHttp(create_app(Config(admin_token="s3cret")))


@pytest.mark.parametrize("value", ["Bearer s3cret", "bearer s3cret", "BEARER s3cret", "Bearer  s3cret "])
def test_the_bearer_scheme_is_case_insensitive(guarded, value):
    # RFC 7235 section 2.1: "It uses a case-insensitive token as a means to identify the authentication scheme."
    assert guarded.get("/__admin/clock", headers={"Authorization": value}).status == 200


@pytest.mark.parametrize("value", ["", "Bearer", "Bearer wrong", "Basic s3cret", "s3cret", "Bearers3cret"])
def test_anything_else_is_refused_in_mx_shape(guarded, value):
    r = guarded.get("/__admin/clock", headers={"Authorization": value})
    assert r.status == 401 and r.json["error"]["code"] == 4010


# ---- the journal when the client goes away ------------------------------------------------------------------


def test_a_client_that_disconnects_mid_body_is_journaled_without_a_traceback(app, caplog):
    # The declared length is longer than what arrives: werkzeug raises ClientDisconnected on reading.
    client = app.test_client()
    r = client.post(
        "/sessions", data=b'{"session":', environ_overrides={"CONTENT_LENGTH": "1000"}, content_type="application/json"
    )
    assert r.status_code == 400 and r.get_json()["error"]["code"] == 4000
    assert not [rec for rec in caplog.records if rec.exc_info], [rec.getMessage() for rec in caplog.records]
    [entry] = FlaskHttp(app).get("/__admin/requests").json["requests"]
    assert entry["path"] == "/sessions" and entry["status"] == 400 and entry["body"] is None


# ---- paging parameters --------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["page=0", "page=-1", "per_page=0", "records_per_page=-5", "records_per_page=0"])
def test_paging_parameters_must_be_positive(http, query):
    headers = open_session(http)
    r = http.get(f"/members?{query}", headers=headers)
    assert r.status == 400 and r.json["error"]["code"] == 4002, r.json
    r = http.post(f"/institutions/search?{query}", json={"institution": {"name": "MX"}}, headers=headers)
    assert r.status == 400 and r.json["error"]["code"] == 4002, r.json


def _schemas():
    for info in pkgutil.iter_modules(mocknexus.schemas.__path__):
        module = importlib.import_module(f"mocknexus.schemas.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Schema) and cls.__module__ == module.__name__:
                yield cls


def test_every_validator_raises_rather_than_returning_false():
    # marshmallow 3 fails a field whose validator returns False; marshmallow 4 ignores the return value. A
    # validator that raises (marshmallow.validate's) means the same under both, whichever is installed.
    offenders = [
        f"{cls.__name__}.{name}"
        for cls in _schemas()
        for name, field in cls._declared_fields.items()
        for v in field.validators
        if not isinstance(v, validate.Validator)
    ]
    assert offenders == []
