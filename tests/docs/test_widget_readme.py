"""docs/widget.md's Connect widget requests run as written against a live server, and each URL opens the widget."""

from __future__ import annotations

import json
import os
import re
import subprocess
from urllib.parse import urlparse

import pytest
import requests

from mocknexus.app import create_app
from mocknexus.web import xmlio
from tests.docs.test_readme import ROOT
from tests.support import LiveServer

pytestmark = pytest.mark.live

WIDGET_DOC = (ROOT / "docs" / "widget.md").read_text()


def test_the_widget_url_requests_run(config, clock):
    script = re.search(r"<!-- widget:start -->\n```sh\n(.*?)```\n<!-- widget:end -->", WIDGET_DOC, re.S).group(1)
    with LiveServer(create_app(config, clock=clock)) as server:
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            env={**os.environ, "BASE": server.url},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        out = result.stdout
        sso = json.loads(out[: out.index("<?xml")])
        split = out.index('{"widget_url"')
        xml = xmlio.loads(out[out.index("<?xml") : split].strip().encode())
        platform = json.loads(out[split:])
        urls = [sso["url"]["url"], xml["url"]["url"], platform["widget_url"]["url"]]
        assert [urlparse(u).path.split("/")[2] for u in urls] == ["connect", "mobile_master", "connect"]
        pages = [requests.get(url, timeout=10) for url in urls]
        assert [p.status_code for p in pages] == [200, 200, 200]
        assert all('id="mx-config"' in p.text for p in pages)
        assert 'data-color-scheme="dark"' in pages[0].text  # the option asked for in the first request
