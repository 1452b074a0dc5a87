"""The control plane's operations on the state: snapshots, driving members, MX's static fixtures, reset."""

from __future__ import annotations

from typing import Any

from mocknexus.domain import jobs, snapshot
from mocknexus.domain.errors import ErrorKind, MXError, not_found
from mocknexus.domain.models import Member
from mocknexus.domain.state import API_TOKENS, EXTERNAL_GUIDS, MEMBERS, SESSIONS, USER_IDS, EmulatorState
from mocknexus.domain.statuses import ConnectionStatus, JobType


class Steering(EmulatorState):
    # ---- Control plane: state, and driving members directly ------------------------------------------

    def dump_state(self) -> dict[str, Any]:
        """Every record, settled to the clock, as JSON-able data (loadable again with `load_state`)."""
        with self.store.transaction():
            for member in list(self.store.values(MEMBERS)):
                self._settled(member)
            state: dict[str, Any] = {"version": snapshot.SNAPSHOT_VERSION, "clock": self.clock.now().isoformat()}
            for table, (_, key) in snapshot.TABLES.items():
                records = sorted(self.store.values(table), key=lambda r, key=key: getattr(r, key))
                state[table] = [snapshot.to_data(r) for r in records]
            return state

    def load_state(self, state: dict[str, Any]) -> None:
        """Replace the whole state with a snapshot; a bad snapshot changes nothing."""
        if not isinstance(state, dict) or state.get("version") != snapshot.SNAPSHOT_VERSION:
            raise MXError(ErrorKind.BAD_REQUEST, f'A state snapshot needs "version": {snapshot.SNAPSHOT_VERSION}.')
        loaded: dict[str, list] = {}
        for table, (cls, _) in snapshot.TABLES.items():
            rows = state.get(table, [])
            if not isinstance(rows, list):
                raise MXError(ErrorKind.BAD_REQUEST, f"{table}: must be a list.")
            try:
                loaded[table] = [snapshot.from_data(cls, row) for row in rows]
            except ValueError as exc:
                raise MXError(ErrorKind.BAD_REQUEST, f"{table}: {exc}") from None
        for member in loaded["members"]:
            if (
                member.scenario not in self.catalog.scenarios
                or member.institution_guid not in self.catalog.institutions
            ):
                raise MXError(
                    ErrorKind.BAD_REQUEST, f"members: {member.guid} names an unknown scenario or institution."
                )
        with self.store.transaction():
            self.store.clear()
            for table, (_, key) in snapshot.TABLES.items():
                for record in loaded[table]:
                    self.store.put(table, getattr(record, key), record)
            for user in loaded["users"]:
                self.store.put(USER_IDS, user.id, user.guid)
            for member in loaded["members"]:
                if member.external_guid:
                    self.store.put(EXTERNAL_GUIDS, member.external_guid, member.guid)

    def reset_user(self, user_id: str) -> None:
        """Forget a user's members, accounts, sessions and api tokens; the user itself stays."""
        with self.store.transaction():
            self._forget(self.read_user(user_id), (SESSIONS, API_TOKENS), keep_static=True)

    def any_member(self, member_guid: str) -> Member:
        """A member whoever owns it (the control plane is not a user)."""
        with self.store.transaction():
            member = self.store.get(MEMBERS, member_guid)
            if member is None:
                raise not_found("Member")
            return self._settled(member)

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

    # ---- Reset ----------------------------------------------------------------------------------------

    def reset(self) -> None:
        """Everything back to the fixtures. (MX's static `test_session` members are not in the store:
        see `static_members`; nothing here or anywhere can change them.)"""
        with self.store.transaction():
            self.store.clear()
