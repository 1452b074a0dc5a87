"""Issue 28, point 8: docs/compatibility.md and docs/api.md say the same about XML errors, and what they say
is what the server does: an XML request to an API that speaks XML gets its error in XML."""

from __future__ import annotations

from pathlib import Path

from tests.support import API_KEY, CLIENT

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_both_documents_say_an_xml_request_gets_an_xml_error():
    for name in ("api.md", "compatibility.md"):
        text = " ".join((DOCS / name).read_text().split())
        assert "<error><code>" in text, name
    assert "Errors stay JSON" not in (DOCS / "compatibility.md").read_text()


def test_an_xml_request_gets_its_error_in_xml_and_a_json_one_in_json(http):
    xml = http.get(f"/{CLIENT}/users/nobody/api_token.xml", headers=API_KEY)
    assert xml.status == 404 and xml.content_type.startswith("application/vnd.moneydesktop.sso.v3+xml")
    json = http.get(f"/{CLIENT}/users/nobody/api_token.json", headers=API_KEY)
    assert json.status == 404 and json.json["error"]["code"] == 4040
