"""The data plane's side of a world: what jobs and the clock do to a member's data, and MX's limits.

- A job that finds accounts gives each a ledger, anchored at the balance it found (`_ensure`).
- An aggregation (create member, aggregate, or MX's daily background one) brings in what was made up to
  its time; the first reaches 90 days back (INFERRED: the window MX asks a bank for on a first sync, its MDX
  documentation), extend_history 24 months (MX: "up to 24 months"); its webhook counts what it created and
  what it updated (pending that posted).
- check_balance brings balances up to date without transactions; fetch_statements finds the statements.
- MX's limits: a standard aggregation within 3 hours of the last one, or a sixth balance check within 2
  hours, answers 202 and starts nothing (MX's errors page and rate limits; MX Bank has none). A world can
  switch them on or off for every institution (`set_data_settings`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from mocknexus.domain.core.errors import ErrorKind, MXError
from mocknexus.domain.core.ids import new_guid
from mocknexus.domain.core.models import Account, Job, Member
from mocknexus.domain.core.state import EmulatorState
from mocknexus.domain.core.statuses import ConnectionStatus, JobType
from mocknexus.domain.core.tables import ACCOUNTS, MEMBER_DATA, MEMBERS, META
from mocknexus.domain.data import balances, generate, holdings, profiles
from mocknexus.domain.data.records import (
    Aggregation,
    HoldingSpec,
    Ledger,
    MemberData,
    StatementPeriod,
    StoredTransaction,
)
from mocknexus.domain.data.visibility import POSTED, MemberView
from mocknexus.domain.webhooks import payloads
from mocknexus.domain.webhooks.events import Event

FIRST_HISTORY_DAYS = 90
EXTENDED_HISTORY_DAYS = 730
HISTORY_KEPT_DAYS = 730  # how far back a found account's generated transactions go
BACKGROUND_EVERY = timedelta(hours=24)  # INFERRED: MX aggregates connected members about daily
AGGREGATION_LIMIT = timedelta(hours=3)  # MX: standard aggregation, 1 per 3 h per member
BALANCE_LIMIT, BALANCE_CHECKS = timedelta(hours=2), 5  # MX: balance checks, 5 per 2 h per member
SETTINGS = "data_plane"
LIMITS_MODES = ("institution", "on", "off")


class DataJobs(EmulatorState):
    # ---- settings ---------------------------------------------------------------------------------------

    def data_settings(self) -> dict[str, Any]:
        saved = self.store.get(META, SETTINGS) or {}
        return {"limits": saved.get("limits", "institution"),
                "background_aggregation": saved.get("background_aggregation", True)}  # fmt: skip

    def set_data_settings(self, changes: dict[str, Any]) -> dict[str, Any]:
        """`limits`: "institution" (as MX: each institution's own), "on" or "off" for every institution;
        `background_aggregation`: MX's daily aggregation of connected members, on or off."""
        with self.store.transaction():
            settings = {**self.data_settings(), **{k: v for k, v in changes.items() if v is not None}}
            if settings["limits"] not in LIMITS_MODES:
                raise MXError(ErrorKind.BAD_REQUEST, f"limits must be one of {', '.join(LIMITS_MODES)}.")
            self.store.put(META, SETTINGS, settings)
            return settings

    # ---- the hooks ----------------------------------------------------------------------------------------

    def _data_after_job(self, member: Member, job: Job) -> None:
        at = job.finished_at
        assert at is not None
        data = self._ensure(member, at)
        view = MemberView(self.settings.seed, data)
        if job.type in (JobType.AGGREGATION.value, JobType.HISTORY.value):
            days = EXTENDED_HISTORY_DAYS if job.type == JobType.HISTORY.value else FIRST_HISTORY_DAYS
            latest = data.latest
            reach = (at.date() - timedelta(days=days)).isoformat()
            history_from = min(reach, latest.history_from) if latest else reach
            job.transactions_created_count, job.transactions_updated_count = self._aggregate(
                data, Aggregation(at, history_from, job.guid)
            )
            self._refresh_balances(MemberView(self.settings.seed, data), member, at)
        elif job.type == JobType.BALANCE.value:
            self._refresh_balances(view, member, at)
        elif job.type == JobType.STATEMENT.value:
            data.statement_fetches = [*data.statement_fetches[-49:], at]
        self.store.put(MEMBER_DATA, member.guid, data)

    def _data_tick(self, member: Member) -> bool:
        """MX's background aggregation: a connected member last aggregated a day or more ago is aggregated at
        the latest whole day since (one run, however many days passed), with its AGGREGATION webhook."""
        now = self.clock.now()
        if not self._data_may_tick(member, now):
            return False
        data: MemberData | None = self.store.get(MEMBER_DATA, member.guid)
        if data is None or data.latest is None:
            return False
        last = max(data.latest.at, member.successfully_aggregated_at or data.latest.at)
        if now - last < BACKGROUND_EVERY:
            return False
        at = last + BACKGROUND_EVERY * ((now - last) // BACKGROUND_EVERY)
        job = Job(guid=new_guid("JOB"), type=JobType.AGGREGATION.value, scenario=member.scenario, started_at=at,
                  starting_status=ConnectionStatus.CONNECTED, finished_at=at, outcome_applied=True,
                  is_background=True)  # fmt: skip
        created, updated = self._aggregate(data, Aggregation(at, data.latest.history_from, job.guid, True))
        job.transactions_created_count, job.transactions_updated_count = created, updated
        self._refresh_balances(MemberView(self.settings.seed, data), member, at)
        member.job, member.aggregated_at, member.successfully_aggregated_at = job, at, at
        self.store.put(MEMBER_DATA, member.guid, data)
        self.store.put(MEMBERS, member.guid, member)
        kind, payload = payloads.data_updated(member, self._user_of(member), job, [], is_background=True)
        self._raise(Event(kind, payload, at, member.guid, member.user_guid), member)
        return True

    def _data_may_tick(self, member: Member, now: datetime) -> bool:
        """`_data_tick`'s gate from the member alone: its last aggregation is at or after its successful one's
        time, so under BACKGROUND_EVERY since that one, no background run is due."""
        if not self._background_on(member):
            return False
        since = member.successfully_aggregated_at
        return since is None or now - since >= BACKGROUND_EVERY

    def _background_on(self, member: Member) -> bool:
        return (
            member.connection_status is ConnectionStatus.CONNECTED
            and not member.is_being_aggregated
            and not member.background_aggregation_is_disabled
            and self.data_settings()["background_aggregation"]
        )

    def _throttled(self, member: Member, job_type: JobType) -> bool:
        if job_type not in (JobType.AGGREGATION, JobType.BALANCE):
            return False
        now = self.clock.now()
        data = self.store.get(MEMBER_DATA, member.guid) or MemberData(member.guid, member.user_guid)
        if job_type is JobType.AGGREGATION:
            recent = [t for t in data.standard_aggregations if now - t < AGGREGATION_LIMIT]
            refused = self._limits_apply(member) and bool(recent)
            data.standard_aggregations = recent if refused else [*recent, now]
        else:
            recent = [t for t in data.balance_checks if now - t < BALANCE_LIMIT]
            refused = self._limits_apply(member) and len(recent) >= BALANCE_CHECKS
            data.balance_checks = recent if refused else [*recent, now]
        self.store.put(MEMBER_DATA, member.guid, data)
        return refused

    def _limits_apply(self, member: Member) -> bool:
        mode = self.data_settings()["limits"]
        if mode != "institution":
            return mode == "on"
        institution = self.catalog.institutions.get(member.institution_guid)
        return bool(institution and institution.aggregation_limits)

    def _forget_data(self, member: Member) -> None:
        self.store.delete(MEMBER_DATA, member.guid)

    # ---- ledgers and aggregations -------------------------------------------------------------------------

    def _member_data(self, member: Member) -> MemberData | None:
        return self.store.get(MEMBER_DATA, member.guid)

    def _ensure(self, member: Member, at: datetime) -> MemberData:
        """The member's data, with a ledger for every account it has found (new ones anchored at `at`)."""
        data = self._member_data(member) or MemberData(member.guid, member.user_guid)
        known = {lg.account_guid for lg in data.ledgers}
        declared = self._declared_accounts(member)
        for index, guid in enumerate(member.account_guids):
            if guid in known:
                continue
            account: Account = self.store.get(ACCOUNTS, guid)
            spec = declared.get(account.account_number) if account.declared else None
            ledger = Ledger(
                account_guid=guid,
                kind=account.type,
                seed=f"{member.data_seed}:{index}",
                opened_on=(at.date() - timedelta(days=HISTORY_KEPT_DAYS)).isoformat(),
                anchor_at=at,
                anchor_balance=account.balance,
                credit_limit=account.credit_limit,
            )
            if spec is not None:
                per_day = spec.transactions_per_day
                ledger.generated = per_day is not None
                base = generate.purchases_per_day(account.type)
                ledger.rate = (per_day / base) if per_day and base else 0.0
                made = _stored_from(spec, guid, at)
                data.stored.extend(made)
                # The declared balance already holds what had posted by then.
                ledger.counted = [s.guid for s in made if s.posted_at is not None and s.posted_at <= at]
                ledger.holdings, ledger.statements = _holdings_from(spec), _statements_from(spec)
            data.ledgers.append(ledger)
            view = MemberView(self.settings.seed, data)
            if account.type == "INVESTMENT":
                ledger.anchor_balance = account.balance = holdings.value(self.settings.seed, ledger, at.date())
                account.available_balance = account.balance
                self.store.put(ACCOUNTS, guid, account)
            ledger.hold = _hold(view, ledger, account, at)
        return data

    def _declared_accounts(self, member: Member) -> dict[str, Any]:
        declaration = self._declaration_for(member)
        return {d.account_number: d for d in declaration.accounts} if declaration else {}

    def _aggregate(self, data: MemberData, aggregation: Aggregation) -> tuple[int, int]:
        """Record the aggregation: (transactions it created, transactions it updated)."""
        before = MemberView(self.settings.seed, replace(data, aggregations=list(data.aggregations)))
        data.note_aggregation(aggregation)
        after = MemberView(self.settings.seed, data)
        return _counts(before, after, data.ledgers)

    def _refresh_balances(self, view: MemberView, member: Member, at: datetime) -> None:
        for ledger in view.data.ledgers:
            account: Account | None = self.store.get(ACCOUNTS, ledger.account_guid)
            if account is None:
                continue
            account.balance, account.available_balance = balances.refresh(view, ledger, at)
            account.updated_at = at
            self.store.put(ACCOUNTS, account.guid, account)


def _hold(view: MemberView, ledger: Ledger, account: Account, at: datetime) -> float:
    """What keeps the available balance found with the account exactly as found: the part of the gap not
    explained by the pending debits then."""
    pending = balances.pending_debits(view, ledger, at)
    if ledger.kind == "CREDIT_CARD" and ledger.credit_limit is not None:
        return round(ledger.credit_limit - account.balance - account.available_balance - pending, 2)
    if profiles.kind_of(ledger.kind).liability or ledger.kind == "INVESTMENT":
        return 0.0
    return round(account.balance - account.available_balance - pending, 2)


def _holdings_from(spec: Any) -> list[HoldingSpec] | None:
    if spec.holdings is None:
        return None
    return [
        HoldingSpec(
            symbol=h.symbol, description=h.description or h.symbol, holding_type=h.holding_type,
            quantity=h.quantity, current_price=h.current_price,
            purchase_price=h.current_price if h.purchase_price is None else h.purchase_price,
            previous_price=h.current_price if h.previous_price is None else h.previous_price,
        )
        for h in spec.holdings
    ]  # fmt: skip


def _statements_from(spec: Any) -> list[StatementPeriod] | None:
    if spec.statements is None:
        return None
    return [
        StatementPeriod((s.period_start or s.period_end.replace(day=1)).isoformat(), s.period_end.isoformat())
        for s in spec.statements
    ]


def _stored_from(spec: Any, account_guid: str, at: datetime) -> list[StoredTransaction]:
    made = []
    for t in spec.transactions:
        posted = None if t.status == "PENDING" and t.posted_at is None else (t.posted_at or t.transacted_at)
        made.append(StoredTransaction(
            guid=new_guid("TRN"), account_guid=account_guid, amount=t.amount, type=t.type,
            description=t.description, transacted_at=t.transacted_at, added_at=min(at, t.transacted_at),
            posted_at=posted, category_guid=t.category_guid, merchant_guid=t.merchant_guid, memo=t.memo,
            original_description=t.original_description, id=t.id,
        ))  # fmt: skip
    return made


def _counts(before: MemberView, after: MemberView, ledgers: list[Ledger]) -> tuple[int, int]:
    """What the newest aggregation created and updated: it sees days the one before did not reach (the
    history it extends, counted by day) and what was made or posted since."""
    new = after.window()
    if new is None:
        return 0, 0
    old = before.window()
    created = updated = 0
    recent_from = new[0] if old is None else old[1] - timedelta(days=generate.MAX_POSTING_DAYS + 1)
    if old is not None:
        for ordinal in range(new[0].toordinal(), min(old[0], recent_from).toordinal()):
            created += sum(after.count(lg, ordinal) for lg in ledgers)
        recent_from = max(recent_from, old[0])
    for ordinal in range(recent_from.toordinal(), new[1].toordinal() + 1):
        if old is None and ordinal < new[1].toordinal() - generate.MAX_POSTING_DAYS - 1:
            created += sum(after.count(lg, ordinal) for lg in ledgers)
            continue
        for ledger in ledgers:
            for raw in after.day(ledger, ordinal):
                now = after.seen(raw)
                if now is None:
                    continue
                was = before.seen(raw)
                if was is None:
                    created += 1
                elif was.status != POSTED and now.status == POSTED:
                    updated += 1
    # Transactions added by hand with an older date show at the next aggregation: count those too.
    if old is not None:
        for stored in after.data.stored:
            if old[0] <= stored.transacted_at.date() < recent_from:
                day = after.stored_by_day[(stored.account_guid, stored.transacted_at.date().toordinal())]
                raw = next((r for r in day if r.guid == stored.guid), None)
                if raw is None:
                    continue
                now, was = after.seen(raw), before.seen(raw)
                if now is not None and was is None:
                    created += 1
                elif now is not None and was is not None and was.status != POSTED and now.status == POSTED:
                    updated += 1
    return created, updated
