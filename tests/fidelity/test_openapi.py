"""The served OpenAPI document: valid OpenAPI 3, and it describes every route the app serves."""

from __future__ import annotations

import re

from openapi_spec_validator import validate


def test_the_document_is_valid_openapi(http):
    r = http.get("/__admin/openapi.json")
    assert r.status == 200
    validate(r.json)
    assert r.json["openapi"].startswith("3.")


def test_every_registered_route_is_documented(app, http):
    spec = http.get("/__admin/openapi.json").json
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    # A template Nexus and the Platform API share is one operation, under the first rule's path (web/routing.py).
    served = {
        (re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", (app.url_map.first_twin(rule) or rule).rule), method.lower())
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert served == documented


def test_request_and_response_bodies_come_from_the_schemas(http):
    spec = http.get("/__admin/openapi.json").json
    create = spec["paths"]["/members"]["post"]
    body = create["requestBody"]["content"]["application/vnd.mx.nexus.v1+json"]["schema"]
    assert body == {"$ref": "#/components/schemas/MemberCreateRequest"}
    fields = spec["components"]["schemas"]["MemberCreateFields"]
    # credentials are required unless is_oauth (an OAuth member has none): the schema checks that, not `required`
    assert set(fields["required"]) == {"institution_guid"}
    assert "credentials" in fields["properties"] and "is_oauth" in fields["properties"]
    member = spec["components"]["schemas"]["Member"]["properties"]
    assert member["connection_status"]["enum"][:3] == ["CREATED", "PREVENTED", "DENIED"]
    assert member["aggregated_at"] == {"type": "string", "format": "date-time", "nullable": True}
    assert create["security"] == [{"sessionToken": []}]
    assert "202" in spec["paths"]["/members/{guid}/verify"]["post"]["responses"]
