from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _stop_dispatchers(request):
    """An app a test built (the shared `app` fixture) stops its webhook dispatcher thread when the test ends."""
    app = request.getfixturevalue("app") if "app" in request.fixturenames else None
    yield
    if app is not None:
        app.extensions["mocknexus.background"].stop()
        app.extensions["mocknexus.webhooks"].close()
