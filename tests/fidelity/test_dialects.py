"""Response dialects (--mx-dialect): chosen by flag or variable, derived from the one set of schemas, and
described by the served OpenAPI document."""

from __future__ import annotations

import warnings

import pytest
from openapi_spec_validator import validate

from mocknexus.apis.nexus.schemas import connecting as nexus
from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.schemas.dialects import G21, UNION, V1, view
from mocknexus.web.openapi import build_spec
from tests.fidelity.mx_conformance import required_keys
from tests.support import FlaskHttp


def test_the_dialect_comes_from_the_environment_and_is_checked():
    assert Config.from_env({}).mx_dialect == "union"
    assert Config.from_env({"MOCKNEXUS_MX_DIALECT": "g21"}).mx_dialect == "g21"
    assert Config.from_env({"MOCKNEXUS_MX_DIALECT": "g21"}, mx_dialect="v1").mx_dialect == "v1"
    with pytest.raises(ValueError, match="mx_dialect"):
        Config.from_env({"MOCKNEXUS_MX_DIALECT": "2019"})


@pytest.mark.parametrize(
    ("dialect", "component", "kind"),
    [(G21, "Member", "member"), (V1, "Member", "member"), (G21, "Institution", "institution"),
     (V1, "Institution", "institution"), (G21, "Credential", "credential"), (V1, "Credential", "credential"),
     (G21, "AccountNumber", "account_number"), (V1, "AccountNumber", "account_number"),
     (G21, "Account", "account"), (V1, "AccountOwner", "account_owner")],
)  # fmt: skip
def test_the_served_openapi_document_is_the_dialects(clock, dialect, component, kind):
    spec = FlaskHttp(create_app(Config(mx_dialect=dialect), clock=clock)).get("/__admin/openapi.json").json
    validate(spec)
    assert spec["info"]["x-mx-dialect"] == dialect
    keys, strict = required_keys(kind, dialect)
    assert strict and set(spec["components"]["schemas"][component]["properties"]) == keys


def test_union_has_every_key_of_both():
    member = nexus.MemberSchema()
    assert set(member.fields) == set(view(member, G21).fields) | set(view(member, V1).fields)
    assert set(view(member, G21).fields) ^ set(view(member, V1).fields) == {
        "is_manual", "needs_updated_credentials", "revision", "background_aggregation_is_disabled", "use_cases",
    }  # fmt: skip


def test_requests_are_handled_the_same_in_every_dialect(clock):
    """Only responses differ: the same body is accepted (and refused) alike."""
    for dialect in ("g21", "v1", "union"):
        http = FlaskHttp(create_app(Config(seed=7, mx_dialect=dialect), clock=clock))
        r = http.post("/institutions/search", json={"name": "MX Bank"}, headers={"MD-SESSION-TOKEN": "test_session"})
        assert r.status == 200 and r.json["institutions"][0]["guid"] == "INS-1572a04c-912b-59bf-5841-332c7dfafaef"
        assert http.post("/institutions/search", json={}, headers={"MD-SESSION-TOKEN": "test_session"}).status == 400


@pytest.mark.parametrize("dialect", [UNION, G21, V1])
def test_no_component_name_is_made_up(dialect):
    """apispec renames a component when two schemas resolve to one name ("Member1"): every component here is
    named by its class (a dialect's view keeps it; the declared union class beside it is `...Union`)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        spec = build_spec(create_app(Config(mx_dialect=dialect)))
    assert not [w for w in caught if "Multiple schemas" in str(w.message)]
    names = set(spec["components"]["schemas"])
    assert not {n for n in names if n[-1].isdigit() and n[:-1].rstrip("0123456789") in names}
