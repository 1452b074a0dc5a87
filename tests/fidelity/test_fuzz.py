"""schemathesis against the served OpenAPI document, with every check it has: generated requests, valid and
invalid, to every endpoint; the server must accept what the document allows, refuse what it forbids, and
answer only the statuses, content types, headers and bodies the document declares. Where the document
itself declares an exception (`x-mocknexus-unchecked` on an operation), that check is left out there.

MOCKNEXUS_FUZZ_EXAMPLES random examples per operation, besides schemathesis's boundary cases (default 10:
about 45 s of CPU over ~180 operations; .ci/run also runs `-m fuzz` at 50). Deeper:
MOCKNEXUS_FUZZ_EXAMPLES=500 pytest -m fuzz.
"""

from __future__ import annotations

import json
import os
import urllib.parse

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS
from schemathesis.core.parameters import ParameterLocation

from mocknexus.app import create_app
from mocknexus.config import Config

EXAMPLES = int(os.environ.get("MOCKNEXUS_FUZZ_EXAMPLES", "10"))
# The static session, any API key and any Basic client_id:api_key (the Platform API): generated requests reach
# the handlers instead of stopping at auth.
AUTH = {"MD-SESSION-TOKEN": "test_session", "MD-API-KEY": "fuzz", "Authorization": "Basic ZnV6ejpmdXp6"}

app = create_app(Config(seed=1, job_time_scale=0, max_wait=0.01))  # a wait answers (408) at once
schema = schemathesis.openapi.from_wsgi("/__admin/openapi.json", app)
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
pytestmark = pytest.mark.fuzz


def auth(case) -> dict:
    """The static credentials, unless the case's headers were made invalid on purpose (a missing token). A
    Platform API operation gets Basic alone: with a Nexus session token, a URL both serve is Nexus's."""
    headers = case.meta.components.get(ParameterLocation.HEADER) if case.meta else None
    if headers is not None and headers.mode is GenerationMode.NEGATIVE:
        return dict(case.headers or {})
    if case.operation.definition.raw.get("tags") == ["Platform API"]:
        return {"Authorization": AUTH["Authorization"], **(case.headers or {})}
    return {**AUTH, **(case.headers or {})}


def declared_exceptions(case) -> list:
    names = case.operation.definition.raw.get("x-mocknexus-unchecked", {})
    return [check for check in CHECKS.get_all() if check.__name__ in names]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None
)
def test_the_server_does_what_its_document_says(case):
    try:
        response = case.call_and_validate(headers=auth(case), excluded_checks=declared_exceptions(case))
        # The inspector's page, the Connect widget's pages (/md/...) and the OAuth consent pages (/oauth/...) are
        # HTML, JavaScript and CSS by design.
        html = (case.path.startswith("/__admin/ui") and response.status_code == 200) or case.path.startswith(
            ("/md/", "/oauth/")
        )
        # A URL ending in `.xml` asked for XML (a generated `{user_id}` may end so, and then its route is the
        # `.xml` one), and is answered in XML, errors too.
        asked_xml = urllib.parse.urlsplit(response.request.url).path.endswith(".xml")
        if response.status_code != 204 and not asked_xml and not html:
            json.loads(response.content)  # and every body is JSON
    finally:
        # Nothing a generated call did (a fault, a frozen far-future clock, a loaded snapshot) leaks into the next.
        app.extensions["mocknexus.worlds"].reset_all()  # every client, the server clock, faults and journal
