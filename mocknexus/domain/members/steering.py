"""The control plane's operations on the state: snapshots, driving members, MX's static fixtures, reset."""

from __future__ import annotations

from typing import Any

from mocknexus.domain.core import kept_snapshot, snapshot
from mocknexus.domain.core.errors import ErrorKind, MXError, not_found
from mocknexus.domain.core.kept_snapshot import KeptSnapshot
from mocknexus.domain.core.models import Member
from mocknexus.domain.core.state import EmulatorState
from mocknexus.domain.core.statuses import ConnectionStatus, JobType
from mocknexus.domain.core.tables import (  # fmt: skip
    API_TOKENS,
    EXTERNAL_GUIDS,
    MEMBERS,
    OAUTH_WINDOWS,
    SCENARIOS,
    SESSIONS,
    USER_IDS,
    USERS,
    WEBHOOK_CONFIG,
    WEBHOOK_DELIVERIES,
)
from mocknexus.domain.members import jobs
from mocknexus.domain.webhooks import triggers
from mocknexus.domain.webhooks.events import EventType


class Steering(EmulatorState):
    kept_snapshot: KeptSnapshot  # this world's records as of its last snapshot
    # ---- Control plane: state, and driving members directly ------------------------------------------

    def dump_state(self) -> dict[str, Any]:
        """Every record, settled to the clock, as JSON-able data (loadable again with `load_state`)."""
        with self.store.transaction():
            return {**self._snapshot_head(), **kept_snapshot.records(self.store)}

    def dump_state_json(self, reveal: bool) -> tuple[bytes, bytes]:
        """`dump_state` as JSON text in two pieces (to be joined), secrets masked unless `reveal`
        (`snapshot.mask_secrets`); only what was written since the last snapshot is encoded again."""
        with self.store.transaction():
            return self.kept_snapshot.pieces(self.store, self._snapshot_head(), reveal)

    def _snapshot_head(self) -> dict[str, Any]:
        """Settle every member to the clock (a write, moving the store's generation, only if a step ran), and
        answer a snapshot's first keys."""
        if self.store.count(MEMBERS):
            for member in list(self.store.values(MEMBERS)):
                self._settled(member)
        return {
            "version": snapshot.SNAPSHOT_VERSION,
            "client_id": self.client_id,
            "clock": self.clock.now().isoformat(),
        }

    def load_state(self, state: dict[str, Any]) -> None:
        """Replace this client's whole state with a snapshot of it; a bad snapshot changes nothing."""
        loaded = self.check_state(state, self.client_id)
        with self.store.transaction():
            tokens = [t.token for table in (SESSIONS, API_TOKENS) for t in loaded[table]]
            for token in tokens:
                if self.owners.owner(token) not in (None, self.client_id):
                    raise MXError(ErrorKind.CONFLICT, "A token in this snapshot belongs to another client id.")
            webhooks = self.store.get(WEBHOOK_CONFIG, "config")  # the dashboard's, not the state's: it stays
            self._clear()
            if webhooks is not None:
                self.store.put(WEBHOOK_CONFIG, "config", webhooks)
            for table, (_, key) in snapshot.TABLES.items():
                for record in loaded[table]:
                    self.store.put(table, getattr(record, key), record)
            for token in tokens:
                self.owners.bind(token)
            for user in loaded["users"]:
                if user.id is not None:
                    self.store.put(USER_IDS, user.id, user.guid)
            for member in loaded["members"]:
                if member.external_guid:
                    self.store.put(EXTERNAL_GUIDS, member.external_guid, member.guid)
                if member.oauth is not None and member.oauth.window_token:
                    self.store.put(OAUTH_WINDOWS, member.oauth.window_token, member.guid)
                    self.owners.bind(member.oauth.window_token)
            for name, raw in (state.get(SCENARIOS) or {}).items():
                self.store.put(SCENARIOS, name, raw)

    def check_state(self, state: Any, client_id: str | None) -> dict[str, list]:
        """A snapshot of `client_id` as records by table, or the MX 400 saying what is wrong with it."""
        loaded = snapshot.parse(state, client_id)
        uploaded = state.get(SCENARIOS) or {}
        if not isinstance(uploaded, dict):
            raise MXError(ErrorKind.BAD_REQUEST, f"{SCENARIOS}: must be an object (name: scenario).")
        for member in loaded["members"]:
            if (
                member.scenario not in self.catalog.scenarios and member.scenario not in uploaded
            ) or member.institution_guid not in self.catalog.institutions:
                raise MXError(
                    ErrorKind.BAD_REQUEST, f"members: {member.guid} names an unknown scenario or institution."
                )
        return loaded

    def reset_user(self, user_id: str) -> None:
        """Forget a user's members, accounts, sessions and api tokens; the user itself stays."""
        with self.store.transaction():
            self._forget(self.read_user(user_id), (SESSIONS, API_TOKENS), keep_static=True)

    def count_users(self) -> int:
        return self.store.count(USERS)

    def count_members(self) -> int:
        return self.store.count(MEMBERS)

    def has_user(self, user_id: str) -> bool:
        return self.store.get(USER_IDS, user_id) is not None

    def has_member(self, member_guid: str) -> bool:
        return self.store.get(MEMBERS, member_guid) is not None

    def any_member(self, member_guid: str) -> Member:
        """A member whoever owns it (the control plane is not a user)."""
        with self.store.transaction():
            member = self.store.get(MEMBERS, member_guid)
            if member is None or self._removed_if_abandoned(member):
                raise not_found("Member")
            return self._settled(member)

    # ---- Scenarios uploaded to this client ------------------------------------------------------------

    def upload_scenarios(self, scenarios: dict[str, Any]) -> None:
        """Scenarios (checked by the caller, in the fixture format) for this client alone; one with a server
        scenario's name replaces it here."""
        if self.client_id is None:
            raise MXError(ErrorKind.FORBIDDEN, "Scenarios are uploaded to a client id.")
        with self.store.transaction():
            for name, raw in scenarios.items():
                self.store.put(SCENARIOS, name, raw)

    def remove_scenario(self, name: str) -> None:
        with self.store.transaction():
            if self.store.get(SCENARIOS, name) is None:
                raise not_found("Uploaded scenario")
            # A running job reads its scenario's steps at every step: removing them under it would leave the
            # member unreadable, so the removal waits until no unfinished job uses the scenario.
            if any(
                m.job is not None and not m.job.outcome_applied and m.job.scenario == name
                for m in self.store.values(MEMBERS)
            ):
                raise MXError(ErrorKind.CONFLICT, f"A running job uses the scenario {name!r}; finish it first.")
            self.store.delete(SCENARIOS, name)

    def uploaded_scenarios(self) -> dict[str, Any]:
        return dict(sorted(self.store.items(SCENARIOS)))

    def observe_member(self, member_guid: str) -> Member:
        """A read of a member by a server-side wait: settled to the clock and counted as a poll, since the
        wait stands in for the polling loop a client would otherwise run."""
        with self.store.transaction():
            return self._polled(self.any_member(member_guid))

    def drive_member(self, member_guid: str, scenario: str | None, start: JobType | None) -> Member:
        """Give a member a scenario (until its credentials change), and optionally start a job on it now."""
        with self.store.transaction():
            member = self.any_member(member_guid)
            if scenario is not None:
                if scenario not in self.catalog.scenarios:
                    raise MXError(ErrorKind.BAD_REQUEST, f"Unknown scenario {scenario!r}.")
                member.scenario = scenario
            if start is not None:
                jobs.abandon(member, self.clock.now())
                self._start_job(member, start, self.clock.now())
            self._save_member(member)
            return member

    def force_status(self, member_guid: str, status: ConnectionStatus) -> Member:
        """Put a member straight into an end state; any running job stops there. CONNECTED also finds
        the member's accounts and their numbers, as a successful verification would."""
        if not status.is_end_state:
            raise MXError(
                ErrorKind.BAD_REQUEST,
                f"{status.name} is not an end state; reach transient states and CHALLENGED through a scenario.",
            )
        with self.store.transaction():
            member = self.any_member(member_guid)
            now = self.clock.now()
            if not member.is_being_aggregated:
                jobs.start(member, self.catalog.scenarios[member.scenario], JobType.VERIFICATION, now)
            jobs.finish_now(member, self._scenario(member), now, status=status)
            return self._settled(member)

    def finish_job(self, member_guid: str) -> Member:
        """Skip a running job straight to its scenario's end."""
        with self.store.transaction():
            member = self.any_member(member_guid)
            if not member.is_being_aggregated:
                raise MXError(ErrorKind.CONFLICT, "The member has no running job.")
            jobs.finish_now(member, self._scenario(member), self.clock.now())
            return self._settled(member)

    # ---- Webhooks on demand -----------------------------------------------------------------------

    def holds_webhooks(self) -> bool:
        """A webhook configuration, or deliveries in the outbox."""
        return self.store.get(WEBHOOK_CONFIG, "config") is not None or self.store.count(WEBHOOK_DELIVERIES) > 0

    def fire_webhook(self, member_guid: str, event_type: EventType) -> None:
        """Raise `event_type` for a member's current state now (Plaid's `fire_webhook`, for MX's events)."""
        with self.store.transaction():
            member = self.any_member(member_guid)
            event = triggers.fired_event(member, self._user_of(member), event_type, self.clock.now())
            if event is None:
                why = (
                    "a micro-deposit's, not a member's"
                    if event_type is EventType.MICRODEPOSITS
                    else "no job has finished"
                )
                message = f"The member's state has no {event_type.name} webhook to send ({why})."
                raise MXError(ErrorKind.CONFLICT, message)
            self._raise(event, None)

    # ---- Reset ----------------------------------------------------------------------------------------

    def reset(self) -> None:
        """This client's state back to empty. (MX's static `test_session` members are not in the store:
        see `static_members`; nothing here or anywhere can change them.)"""
        with self.store.transaction():
            self._clear()

    def _clear(self) -> None:
        for table in (SESSIONS, API_TOKENS, OAUTH_WINDOWS):
            for token, _ in self.store.items(table):
                self.owners.unbind(token)
        self.store.clear()
