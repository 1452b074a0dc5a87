"""Monthly statements: one per account and month, found by a statement fetch, served as real PDFs.

A fetch finds the statements of the months that ended before it, back to a year (INFERRED: MX keeps the
statements the institution offers, commonly 12 months), and never before the account was opened. A
statement's PDF (fpdf2) lists what posted in its month with the opening and closing balances; it is made
when read, the same bytes every time (its creation date is the period's end), and `content_hash` is their
SHA-256 as MX's field is.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from mocknexus.domain.core.ids import derived_guid
from mocknexus.domain.data.balances import balance_at, signed
from mocknexus.domain.data.records import Ledger
from mocknexus.domain.data.visibility import MemberView

MONTHS_KEPT = 12
ROWS_SHOWN = 250  # a statement lists this many transactions, then says how many more there were


@dataclass(frozen=True)
class Statement:
    guid: str
    account_guid: str
    member_guid: str
    user_guid: str
    period_start: date
    period_end: date
    created_at: datetime
    updated_at: datetime


def periods(ledger: Ledger, fetched_at: datetime) -> list[tuple[date, date]]:
    """The months a fetch at `fetched_at` finds for the account, newest first: a declared account's declared
    periods that ended before it, else its months back to a year."""
    if ledger.statements is not None:
        declared = [(date.fromisoformat(p.start), date.fromisoformat(p.end)) for p in ledger.statements]
        return sorted((p for p in declared if p[1] < fetched_at.date()), key=lambda p: p[1], reverse=True)
    opened = date.fromisoformat(ledger.opened_on)
    end = fetched_at.date().replace(day=1) - timedelta(days=1)
    found = []
    while len(found) < MONTHS_KEPT and end >= opened:
        start = end.replace(day=1)
        found.append((max(start, opened), end))
        end = start - timedelta(days=1)
    return found


def statement_guid(seed: int, ledger: Ledger, period_end: date) -> str:
    return derived_guid("STA", str(seed), ledger.seed, period_end.isoformat())


def listed(view: MemberView, ledgers: list[Ledger]) -> list[Statement]:
    """Every statement the member's fetches have found, each dated by the first fetch that found it."""
    data = view.data
    found: dict[str, Statement] = {}
    for fetched_at in data.statement_fetches:
        for ledger in ledgers:
            for start, end in periods(ledger, fetched_at):
                guid = statement_guid(view.seed, ledger, end)
                if guid not in found:
                    found[guid] = Statement(guid, ledger.account_guid, data.member_guid, data.user_guid, start, end,
                                            fetched_at, fetched_at)  # fmt: skip
    return sorted(found.values(), key=lambda s: (s.account_guid, s.period_end), reverse=True)


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), UTC)


def render(view: MemberView, ledger: Ledger, statement: Statement, account_name: str, number: str,
           bank: str) -> bytes:  # fmt: skip
    """The statement's PDF."""
    opening_at = _end_of(statement.period_start - timedelta(days=1))
    closing_at = _end_of(statement.period_end)
    opening, closing = balance_at(view, ledger, opening_at), balance_at(view, ledger, closing_at)
    rows = []
    for ordinal in range(statement.period_start.toordinal(), statement.period_end.toordinal() + 5):
        for raw in view.day(ledger, ordinal):
            if raw.posted_at is not None and opening_at < raw.posted_at <= closing_at:
                rows.append(raw)
    rows.sort(key=lambda r: (r.posted_at, r.guid))
    return _pdf(bank, account_name, number, statement, opening, closing, rows, ledger)


def _pdf(bank: str, account_name: str, number: str, statement: Statement, opening: float, closing: float,
         rows: list, ledger: Ledger) -> bytes:  # fmt: skip
    from fpdf import FPDF  # imported on the first statement read: a server that never reads one never loads it

    pdf = FPDF()
    pdf.set_creation_date(_end_of(statement.period_end))
    pdf.set_title(f"{bank} statement {statement.period_end.isoformat()}")
    pdf.set_author(bank)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, _latin(bank), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    for line in (
        f"Account: {account_name} (ending {number[-4:]})",
        f"Statement period: {statement.period_start.isoformat()} to {statement.period_end.isoformat()}",
        f"Opening balance: {opening:,.2f}    Closing balance: {closing:,.2f}",
        f"Statement {statement.guid}",
    ):
        pdf.cell(0, 7, _latin(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 10)
    for text, width in (("Posted", 28), ("Description", 110), ("Amount", 40)):
        pdf.cell(width, 7, text, border="B")
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    for raw in rows[:ROWS_SHOWN]:
        pdf.cell(28, 6, raw.posted_at.date().isoformat())
        pdf.cell(110, 6, _latin(raw.original_description[:60]))
        pdf.cell(40, 6, f"{signed(ledger, raw, raw.amount):,.2f}", align="R", new_x="LMARGIN", new_y="NEXT")
    if len(rows) > ROWS_SHOWN:
        pdf.cell(0, 6, f"... and {len(rows) - ROWS_SHOWN} more transactions", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _latin(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


@lru_cache(maxsize=64)
def content_hash(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()
