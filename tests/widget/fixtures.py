"""The Connect widget tests' shared fixtures (registered in conftest.py): per test module, one mocknexus with a
partner page (`world`) and one headless browser (`driver`). A module may define its own to override them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="module")
def world() -> Iterator[Any]:
    from tests.widget.driver import World  # imported here: it needs selenium, which only browser tests do

    with World() as w:
        yield w


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    from tests.widget.driver import driver_for

    d = driver_for()
    yield d
    d.quit()
