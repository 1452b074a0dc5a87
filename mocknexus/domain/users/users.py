"""MDX Real Time users, SSO api tokens, and Nexus sessions."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from mocknexus.domain.core.errors import ErrorKind, MXError, not_found
from mocknexus.domain.core.ids import new_guid, new_token
from mocknexus.domain.core.models import ApiToken, Session, User
from mocknexus.domain.core.state import EmulatorState
from mocknexus.domain.core.statuses import JobType
from mocknexus.domain.core.tables import API_TOKENS, SESSIONS, USER_IDS, USERS


class Identity(EmulatorState):
    # ---- MDX Real Time: users -------------------------------------------------------------------------

    def create_user(self, user_id: str, **fields: Any) -> User:
        with self.store.transaction():
            if self.store.get(USER_IDS, user_id) is not None:
                # MX's own SDK: "if the user_id already exists we expect a 409 status".
                raise MXError(ErrorKind.CONFLICT, f"A user with id {user_id} already exists.")
            user = User(guid=new_guid("USR"), id=user_id, created_at=self.clock.now(), **fields)
            self._save_user(user)
            return user

    def read_user(self, user_id: str) -> User:
        guid = self.store.get(USER_IDS, user_id)
        user = self.store.get(USERS, guid) if guid else None
        if user is None:
            raise not_found("User")
        return user

    def list_users(self) -> list[User]:
        # A stable order, so pages do not overlap: users created in the same instant by their id.
        return sorted(self.store.values(USERS), key=lambda u: (u.created_at, u.id))

    def update_user(self, user_id: str, **fields: Any) -> User:
        with self.store.transaction():
            user = replace(self.read_user(user_id), **fields)
            user.revision += 1
            self._save_user(user)
            return user

    def delete_user(self, user_id: str) -> None:
        with self.store.transaction():
            user = self.read_user(user_id)
            self._forget(user, (SESSIONS, API_TOKENS), keep_static=False)
            self.store.delete(USER_IDS, user.id)
            self.store.delete(USERS, user.guid)

    # ---- SSO: api tokens, and Nexus sessions ----------------------------------------------------------

    def issue_api_token(self, user_id: str) -> ApiToken:
        with self.store.transaction():
            return self.issue_api_token_for(self.read_user(user_id))

    def issue_api_token_for(self, user: User) -> ApiToken:
        """A token for a user found otherwise (a Platform API user need not have an id)."""
        with self.store.transaction():
            now = self.clock.now()
            token = ApiToken(new_token(), user.guid, now, now + self.settings.api_token_ttl)
            self.store.put(API_TOKENS, token.token, token)
            self.owners.bind(token.token)
            return token

    def open_session(self, api_token: str, skip_aggregation: bool) -> Session:
        with self.store.transaction():
            now = self.clock.now()
            token: ApiToken | None = self.store.get(API_TOKENS, api_token)
            if token is None:
                raise MXError(ErrorKind.UNAUTHORIZED, "The api_token is invalid.")
            if token.used:
                raise MXError(ErrorKind.UNAUTHORIZED, "The api_token has already been used.")
            if now >= token.expires_at:
                raise MXError(ErrorKind.UNAUTHORIZED, "The api_token has expired.")
            token.used = True
            self.store.put(API_TOKENS, token.token, token)
            user = self.store.get(USERS, token.user_guid)
            user.logged_in_at = now
            self._save_user(user)
            session = Session(new_token(), user.guid, now, now)
            self.store.put(SESSIONS, session.token, session)
            self.owners.bind(session.token)
            if not skip_aggregation:
                # Opening a session aggregates the user's existing members, unless skip_aggregation is set.
                for member in self._members_of(user):
                    if not member.is_being_aggregated:
                        self._start_job(member, JobType.AGGREGATION, now)
            return session

    def authenticate(self, session_token: str | None) -> Session:
        """The session a Nexus request runs as; each call slides its 30-minute expiry."""
        if not session_token:
            raise MXError(ErrorKind.UNAUTHORIZED, "The MD-SESSION-TOKEN header is missing.")
        with self.store.transaction():
            session: Session | None = self.store.get(SESSIONS, session_token)
            if session is None:
                raise MXError(ErrorKind.UNAUTHORIZED, "The session token is invalid.")
            now = self.clock.now()
            if not session.never_expires and now >= session.last_used_at + self.settings.session_ttl:
                raise MXError(ErrorKind.SESSION_EXPIRED, "The session has expired.")
            # INFERRED (MX's timestamps are whole seconds): the slide is kept at that precision, so a call in the
            # second of the last slide (or with a stopped clock) writes nothing; a session idles out up to a second
            # before 30 minutes after its last call. Every call writing its session serialized a world's calls on
            # a shared store (bench/README.md, issue 27).
            slid = now.replace(microsecond=0)
            if session.last_used_at < slid:
                session.last_used_at = slid
                self.store.put(SESSIONS, session.token, session)
            return session

    def end_sessions(self, user_id: str) -> None:
        with self.store.transaction():
            self._drop_tokens(self.read_user(user_id), (SESSIONS,), keep_static=True)

    def find_user(self, identifier: str) -> User:
        """A user by MX's `{user_identifier}`: "either the user id you defined or the MX-defined user guid"."""
        user: User | None = self.store.get(USERS, identifier)
        return user if user is not None else self.read_user(identifier)

    def get_user(self, user_guid: str) -> User:
        """A user by MX's guid (a session's user, or the Platform API's `{user_guid}`); a 404 if none."""
        user: User | None = self.store.get(USERS, user_guid)
        if user is None:
            raise not_found("User")
        return user
