"""A world's tables, declared once (`domain/core/tables.py`): every record type is a dataclass keyed by one of its
fields, snapshots carry the tables the declaration marks, and the SQLite store reads every record table back
as its record, including widget URLs written by servers that stored them as plain data."""

from __future__ import annotations

import dataclasses
import pathlib
import re
from datetime import UTC, datetime, timedelta

from mocknexus.domain.core import snapshot, tables
from mocknexus.domain.core.models import WidgetUrl
from mocknexus.store import SQLiteStore

ROOT = pathlib.Path(__file__).resolve().parents[2] / "mocknexus"


def test_every_record_table_is_a_dataclass_keyed_by_one_of_its_fields():
    for table in tables.TABLES.values():
        if table.record is not None:
            assert dataclasses.is_dataclass(table.record), table.name
            assert table.key in {f.name for f in dataclasses.fields(table.record)}, table.name


def test_snapshots_carry_the_declared_tables():
    assert list(snapshot.TABLES) == [t.name for t in tables.SNAPSHOT_TABLES]
    assert list(snapshot.TABLES) == [
        "users", "api_tokens", "sessions", "members", "accounts", "micro_deposits", "declared_accounts",
        "member_data",
    ]  # fmt: skip


def test_no_other_module_names_a_table_by_its_string():
    """A table is named through its constant: a second spelling of a name is how tables drift apart."""
    stores = re.compile(r"(?:store|root)\.(get|put|delete|values|items|count)\(\s*\"([a-z_]+)\"")
    found = [
        (path.relative_to(ROOT).as_posix(), match.group(2))
        for path in ROOT.rglob("*.py")
        for match in stores.finditer(path.read_text())
        if match.group(2) in tables.TABLES
    ]
    assert found == []
    assignments = re.compile(r"^[A-Z_]+\s*=\s*\"([a-z_]+)\"", re.MULTILINE)
    defined = [
        (path.relative_to(ROOT).as_posix(), name)
        for path in ROOT.rglob("*.py")
        if path.name != "tables.py"
        for name in assignments.findall(path.read_text())
        if name in tables.TABLES
    ]
    assert defined == []


def test_sqlite_reads_a_widget_url_stored_as_plain_data_back_as_its_record(tmp_path):
    at = datetime(2026, 1, 1, tzinfo=UTC)
    url = WidgetUrl("tok", "USR-1", "u-1", "connect_widget", {"mode": "verification"}, at, at + timedelta(minutes=10))
    path = str(tmp_path / "state.db")
    old = SQLiteStore(path, snapshot.encode, snapshot.decode).partition("client:c")
    with old.transaction():
        old.put(tables.WIDGET_URLS, url.token, snapshot.to_data(url))  # how earlier servers stored it
    store = SQLiteStore(path, snapshot.encode, snapshot.decode).partition("client:c")
    assert store.get(tables.WIDGET_URLS, "tok") == url
    with store.transaction():
        store.put(tables.WIDGET_URLS, url.token, dataclasses.replace(url, used=True))
    assert store.get(tables.WIDGET_URLS, "tok").used is True
