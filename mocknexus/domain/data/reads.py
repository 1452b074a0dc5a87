"""What a partner reads of a user's data (transactions, holdings, statements) and may change (a transaction's
description, memo, category, date), and what the control plane adds (transactions injected into a running
world, posted by hand). Every read first lets the clock do what it does (a due background aggregation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from mocknexus.domain.core.errors import ErrorKind, MXError, not_found
from mocknexus.domain.core.ids import new_guid
from mocknexus.domain.core.models import Account, Member, User
from mocknexus.domain.core.pagination import Page
from mocknexus.domain.core.state import EmulatorState
from mocknexus.domain.core.tables import ACCOUNTS, MEMBER_DATA, MEMBERS, USERS
from mocknexus.domain.data import holdings as holding_data
from mocknexus.domain.data import listing, statements, views
from mocknexus.domain.data.generate import DEBIT
from mocknexus.domain.data.holdings import Holding
from mocknexus.domain.data.listing import Query, Sources
from mocknexus.domain.data.records import Ledger, MemberData, StoredTransaction, TransactionEdit
from mocknexus.domain.data.statements import Statement
from mocknexus.domain.data.views import RecordInputs, TransactionRecord
from mocknexus.domain.data.visibility import MemberView

TRANSACTIONS_PER_INJECTION = 100  # Plaid's sandbox takes 10 at a time; a test here may want more


@dataclass(frozen=True)
class _Scope:
    user: User
    parts: list[tuple[Member, MemberView, tuple[Ledger, ...]]]


class DataReads(EmulatorState):
    # ---- transactions -----------------------------------------------------------------------------------

    def list_transactions(
        self,
        user: User,
        query: Query,
        page: int | None,
        per_page: int | None,
        member_guid: str | None = None,
        account_guid: str | None = None,
    ) -> tuple[list[TransactionRecord], Page]:
        """A user's transactions, or a member's, or an account's (of that member, when both are given)."""
        found, shown = self.list_transaction_inputs(user, query, page, per_page, member_guid, account_guid)
        return [views.transaction(given) for given in found], shown

    def list_transaction_inputs(
        self,
        user: User,
        query: Query,
        page: int | None,
        per_page: int | None,
        member_guid: str | None = None,
        account_guid: str | None = None,
    ) -> tuple[list[RecordInputs], Page]:
        """`list_transactions` before its records are made: what each is made from (`views.transaction`), for a
        reader that keeps what it made of a record by what it was made from."""
        with self.store.transaction():
            scope = self._scope(user, member_guid, account_guid)
            sources = Sources(tuple((view, ledgers) for _, view, ledgers in scope.parts))
            found, shown = listing.list_page(sources, query, self.clock.now().date(), page, per_page)
            return views.inputs_each(found, self._owner, user.guid, user.id), shown

    def read_transaction(self, user: User, guid: str, member_guid: str | None = None,
                         account_guid: str | None = None) -> TransactionRecord:  # fmt: skip
        with self.store.transaction():
            scope = self._scope(user, member_guid, account_guid)
            for _, view, ledgers in scope.parts:
                seen = listing.find(view, ledgers, guid)
                if seen is not None:
                    return views.transaction(self._inputs(scope, seen))
            raise not_found("Transaction")

    def update_transaction(self, user: User, guid: str, changes: dict[str, Any], member_guid: str | None = None,
                           account_guid: str | None = None) -> TransactionRecord:  # fmt: skip
        """MX's TransactionUpdateRequest: description, memo, category_guid, date (an unknown category: 422)."""
        with self.store.transaction():
            found = self.read_transaction(user, guid, member_guid, account_guid)
            category = changes.get("category_guid")
            if category is not None and views.categories.get(category) is None:
                raise MXError(ErrorKind.UNPROCESSABLE, "The category_guid does not exist.")
            member = self.store.get(MEMBERS, found.member_guid)
            data: MemberData = self.store.get(MEMBER_DATA, member.guid)
            edit = next((e for e in data.edits if e.guid == guid), None) or TransactionEdit(guid, self.clock.now())
            for key in ("description", "memo", "category_guid", "date"):
                if changes.get(key) is not None:
                    setattr(edit, key, changes[key])
            edit.updated_at = self.clock.now()
            data.edits = [*(e for e in data.edits if e.guid != guid), edit]
            self.store.put(MEMBER_DATA, member.guid, data)
            return self.read_transaction(user, guid, member_guid, account_guid)

    # ---- holdings and statements ----------------------------------------------------------------------------

    def list_holdings(self, user: User, member_guid: str | None = None,
                      account_guid: str | None = None) -> list[Holding]:  # fmt: skip
        with self.store.transaction():
            scope = self._scope(user, member_guid, account_guid)
            found = []
            for _, view, ledgers in scope.parts:
                for ledger in ledgers:
                    if ledger.kind == "INVESTMENT" and view.latest is not None:
                        as_of = (ledger.balance_at or ledger.anchor_at).date()
                        found.extend(holding_data.holdings(self.settings.seed, ledger, user.guid, as_of))
            return found

    def read_holding(self, user: User, guid: str) -> Holding:
        found = next((h for h in self.list_holdings(user) if h.guid == guid), None)
        if found is None:
            raise not_found("Holding")
        return found

    def list_statements(self, user: User, member_guid: str) -> list[Statement]:
        with self.store.transaction():
            scope = self._scope(user, member_guid, None)
            _, view, ledgers = scope.parts[0]
            return statements.listed(view, list(ledgers))

    def read_statement(self, user: User, member_guid: str, guid: str) -> tuple[Statement, bytes]:
        """The statement and its PDF."""
        with self.store.transaction():
            scope = self._scope(user, member_guid, None)
            member, view, ledgers = scope.parts[0]
            found = next((s for s in statements.listed(view, list(ledgers)) if s.guid == guid), None)
            if found is None:
                raise not_found("Statement")
            ledger = next(lg for lg in ledgers if lg.account_guid == found.account_guid)
            account: Account = self.store.get(ACCOUNTS, found.account_guid)
            return found, statements.render(view, ledger, found, account.name, account.account_number, member.name)

    # ---- the control plane ------------------------------------------------------------------------------

    def add_transactions(self, member_guid: str, account_guid: str, given: list[dict[str, Any]]) -> list[str]:
        """Transactions injected into a running world: each shows at the next aggregation (its webhook
        counts it), pending until posted if its status says so. Returns their guids."""
        if not 1 <= len(given) <= TRANSACTIONS_PER_INJECTION:
            raise MXError(ErrorKind.BAD_REQUEST, f"Add 1 to {TRANSACTIONS_PER_INJECTION} transactions at a time.")
        with self.store.transaction():
            member, data = self._data_of(member_guid)
            if data.ledger(account_guid) is None:
                raise not_found("Account")
            now = self.clock.now()
            made = []
            for t in given:
                at = t.get("transacted_at") or now
                if isinstance(at, date) and not isinstance(at, datetime):
                    at = datetime.combine(at, time(12), now.tzinfo)
                pending = t.get("status", "POSTED") == "PENDING"
                posted = t.get("posted_at") or (None if pending else at)
                stored = StoredTransaction(
                    guid=new_guid("TRN"), account_guid=account_guid, amount=float(t["amount"]),
                    type=t.get("type", DEBIT), description=t["description"], transacted_at=at, added_at=now,
                    after_serial=data.serial,
                    posted_at=posted, category_guid=t.get("category_guid"), merchant_guid=t.get("merchant_guid"),
                    memo=t.get("memo"), original_description=t.get("original_description"), id=t.get("id"),
                )  # fmt: skip
                data.stored.append(stored)
                made.append(stored.guid)
            self.store.put(MEMBER_DATA, member.guid, data)
            return made

    def post_transaction(self, member_guid: str, guid: str, amount: float | None = None) -> None:
        """Post a pending transaction added by hand: it shows POSTED at the next aggregation."""
        with self.store.transaction():
            member, data = self._data_of(member_guid)
            stored = next((s for s in data.stored if s.guid == guid), None)
            if stored is None:
                raise not_found("Transaction")
            if stored.posted_at is not None and stored.posted_at <= self.clock.now():
                raise MXError(ErrorKind.CONFLICT, "The transaction has already posted.")
            if stored.pending_amount is None:
                stored.pending_amount = stored.amount
            if amount is not None:
                stored.amount = amount
            stored.posted_at = self.clock.now()
            stored.posted_after = data.serial
            self.store.put(MEMBER_DATA, member.guid, data)

    def member_data_view(self, member_guid: str, newest: int = 10) -> tuple[list[Account], list[TransactionRecord]]:
        """The inspector's view of a member: its accounts and its newest transactions, as the partner sees them."""
        with self.store.transaction():
            member: Member | None = self.store.get(MEMBERS, member_guid)
            if member is None:
                raise not_found("Member")
            owner = self.store.get(USERS, member.user_guid)
            if owner is None:
                raise not_found("User")
            found, _ = self.list_transactions(owner, Query(), 1, newest, member_guid=member_guid)
            accounts = [self.store.get(ACCOUNTS, guid) for guid in member.account_guids]
            return [a for a in accounts if a is not None], found

    # ---- internals --------------------------------------------------------------------------------------

    def _data_of(self, member_guid: str) -> tuple[Member, MemberData]:
        member: Member | None = self.store.get(MEMBERS, member_guid)
        if member is None:
            raise not_found("Member")
        data = self.store.get(MEMBER_DATA, member_guid)
        if data is None or not data.ledgers:
            raise MXError(ErrorKind.CONFLICT, "The member has found no accounts yet: connect it first.")
        return member, data

    def _scope(self, user: User, member_guid: str | None, account_guid: str | None) -> _Scope:
        """The caller's user's members (or the one named, or the account's), each with its data view."""
        if member_guid is not None:
            members = [self._member(user.guid, member_guid)]
        elif account_guid is not None:
            account = self.store.get(ACCOUNTS, account_guid)
            if account is None or account.user_guid != user.guid:
                raise not_found("Account")
            members = [self._member(user.guid, account.member_guid)]
        else:
            members = self._members_of(user)
        parts = []
        for member in members:
            self._data_tick(member)
            data = self.store.get(MEMBER_DATA, member.guid)
            if data is None:
                data = MemberData(member.guid, member.user_guid)
            ledgers = tuple(lg for lg in data.ledgers if account_guid is None or lg.account_guid == account_guid)
            parts.append((member, MemberView(self.settings.seed, data), ledgers))
        if account_guid is not None and not any(ledgers for _, _, ledgers in parts):
            account = self.store.get(ACCOUNTS, account_guid)
            if (
                account is None
                or account.user_guid != user.guid
                or (member_guid and account.member_guid != member_guid)
            ):
                raise not_found("Account")
        return _Scope(user, parts)

    def _inputs(self, scope: _Scope, seen: Any) -> RecordInputs:
        member_guid, currency = self._owner(seen.raw.account_guid)
        return views.inputs(seen, member_guid, scope.user.guid, scope.user.id, currency)

    def _owner(self, account_guid: str) -> tuple[str, str]:
        """An account's member guid and currency (a transaction's record names both)."""
        account: Account | None = self.store.get(ACCOUNTS, account_guid)
        return (account.member_guid, account.currency_code) if account else ("", "USD")
