"""web/versions.py: how a version's views stack (each answers with its own view, else the previous version's)
and how an operation a version adds or drops answers in the others."""

from __future__ import annotations

import pytest

from mocknexus.domain.core.errors import MXError
from mocknexus.web.versions import Version, Versions


def _versions() -> Versions:
    return Versions(
        versions=(Version("v1"), Version("v2", media_type="application/json"), Version("v3")),
        pick=lambda environ: environ.get("HTTP_ACCEPT_VERSION"),
        default=lambda config: "v1",
    )


def test_a_version_answers_with_its_own_view_else_the_one_before_it():
    versions = _versions()
    assert versions.view("api.read", "v3") is None  # no version has a view of its own: the route's

    @versions.view_for("v2", "api.read")
    def read_v2() -> str:
        return "v2"

    assert versions.view("api.read", "v1") is None
    assert versions.view("api.read", "v2") is read_v2
    assert versions.view("api.read", "v3") is read_v2


def test_an_operation_added_or_dropped_is_a_404_where_it_does_not_exist():
    versions = _versions()
    versions.since("v2", "api.merge")
    versions.until("v3", "api.legacy")
    with pytest.raises(MXError) as raised:
        versions.view("api.merge", "v1")
    assert raised.value.http_status == 404
    assert versions.view("api.merge", "v3") is None
    assert versions.view("api.legacy", "v2") is None
    with pytest.raises(MXError):
        versions.view("api.legacy", "v3")


def test_selection_and_unknown_names():
    versions = _versions()
    assert versions.select({}, "v1").name == "v1"
    assert versions.select({"HTTP_ACCEPT_VERSION": "v2"}, "v1").media_type == "application/json"
    with pytest.raises(MXError) as raised:
        versions.select({"HTTP_ACCEPT_VERSION": "v9"}, "v1")
    assert raised.value.http_status == 406
    with pytest.raises(ValueError, match="unknown version"):
        versions.view_for("v9", "api.read")
