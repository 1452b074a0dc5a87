"""docs/platform-coverage.md is what tests/platform/coverage.py generates from MX's two documents, the routes
and the tests' own lists: a route, a wired version, a validated operation or an SDK call added without
regenerating the table (`python -m tests.platform.coverage`) fails here."""

from __future__ import annotations

from tests.platform import coverage


def test_the_committed_coverage_table_is_the_generated_one():
    assert coverage.TABLE.read_text(encoding="utf-8") == coverage.table(), (
        "docs/platform-coverage.md is stale: run `python -m tests.platform.coverage`"
    )


def test_the_table_counts_what_mx_documents():
    text = coverage.table()
    assert "| operations in MX's document | 166 | 169 |" in text
    assert "| requestConnectWidgetURL | `POST /users/{user_guid}/connect_widget_url` | yes | removed |" in text
