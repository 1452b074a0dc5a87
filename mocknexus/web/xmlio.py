"""XML bodies for the SSO and MDX APIs (MX documents both XML and JSON): one element per field.

Minimal version (issue 10 needs it for `urls.xml`); the issue-9 branch owns the full module with this API.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET


def dumps(root: str, data: dict) -> str:
    """`{"a": 1}` under `root` as `<?xml ...?><root><a>1</a></root>`; lists repeat their element."""
    element = ET.Element(root)
    _fill(element, data)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(element, encoding="unicode") + "\n"


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            for one in item if isinstance(item, list) else [item]:
                _fill(ET.SubElement(element, key), one)
    elif value is None:
        pass
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = str(value)


def loads(body: bytes) -> dict:
    """`<root><a>1</a></root>` as `{"root": {"a": "1"}}` (text stays text); ValueError if it is not XML."""
    try:
        element = ET.fromstring(body)
    except ET.ParseError as exc:
        raise ValueError(f"The request body is not valid XML: {exc}") from None
    return {element.tag: _read(element)}


def _read(element: ET.Element) -> Any:
    children = list(element)
    if not children:
        return (element.text or "").strip()
    result: dict[str, Any] = {}
    for child in children:
        value = _read(child)
        if child.tag in result:
            previous = result[child.tag]
            result[child.tag] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            result[child.tag] = value
    return result
