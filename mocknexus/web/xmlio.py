"""XML bodies for the SSO and MDX Real Time APIs, which MX documents in XML as well as JSON.

The mapping is MX's (`<api_token><token>a1b2c3</token></api_token>` for `{"api_token": {"token": "a1b2c3"}}`):
an object is an element per key, a list repeats its key's element (`{"user": [a, b]}` is `<user>a</user>
<user>b</user>`), null is an empty element with `nil="true"`, true/false/numbers are their JSON text.
Reading gives strings (the schemas convert them). It parses with defusedxml, which refuses any DOCTYPE
(so no entity can expand, external or not) whatever the document's encoding. Writing replaces the characters
XML 1.0 cannot carry (control characters, lone surrogates) with U+FFFD, so a stored string that JSON carries
as is can never make an XML answer fail or come out not well-formed.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
MAX_DEPTH = 16  # as for JSON bodies: no MX body nests deeper, and reading stays bounded
# What XML 1.0 allows in a document (its Char production); anything else is replaced on output.
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def dumps(root: str, data: dict) -> str:
    """`data` as the children of a `<root>` element, with an XML declaration."""
    element = ET.Element(root)
    _fill(element, data)
    return _DECLARATION + ET.tostring(element, encoding="unicode") + "\n"


def loads(body: bytes) -> dict:
    """An XML document as `{root: {...}}`; raises ValueError if it is not well-formed, declares a DOCTYPE,
    or nests deeper than MAX_DEPTH."""
    try:
        element = SafeET.fromstring(body, forbid_dtd=True)
    except DefusedXmlException:
        raise ValueError("XML with a DOCTYPE or entities is not accepted.") from None
    except ET.ParseError as exc:
        raise ValueError(f"The XML body is not well-formed: {exc}.") from None
    return {element.tag: _read(element, 1)}


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            for one in item if isinstance(item, list) else [item]:
                _fill(ET.SubElement(element, key), one)
    elif value is None:
        element.set("nil", "true")
    elif isinstance(value, bool | int | float):
        element.text = json.dumps(value)
    else:
        element.text = _NOT_XML_CHAR.sub("\ufffd", str(value))


def _read(element: ET.Element, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise ValueError(f"The XML body nests deeper than {MAX_DEPTH} levels.")
    children = list(element)
    if not children:
        if element.get("nil") == "true":
            return None
        return element.text or ""
    result: dict[str, Any] = {}
    for child in children:
        value = _read(child, depth + 1)
        if child.tag in result:
            existing = result[child.tag]
            result[child.tag] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            result[child.tag] = value
    return result
