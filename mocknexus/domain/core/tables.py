"""Every table a world's store holds, declared once: its name, its record type, its key, where it lives.

The store knows tables by name only (`store.base`); this module is where a name meets its meaning. A
record table holds one dataclass from `models` per key (`snapshot.encode`/`decode` turn it into text for the
SQLite store and back); an index or a setting holds plain JSON data. `snapshot` marks the tables a client's
state snapshot carries (its records; the indexes are rebuilt from them on load).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mocknexus.domain.core.models import Account, ApiToken, Member, Session, User, WidgetUrl
from mocknexus.domain.data.records import MemberData
from mocknexus.domain.declared.declared import Declaration
from mocknexus.domain.microdeposits.microdeposits import MicroDeposit

# A client id's partition of the store:
USERS = "users"
USER_IDS = "user_ids"
API_TOKENS = "api_tokens"
SESSIONS = "sessions"
MEMBERS = "members"
ACCOUNTS = "accounts"
EXTERNAL_GUIDS = "member_external_guids"
WIDGET_URLS = "widget_urls"
OAUTH_WINDOWS = "oauth_windows"
MICRO_DEPOSITS = "micro_deposits"
DECLARED_ACCOUNTS = "declared_accounts"
MEMBER_DATA = "member_data"
SCENARIOS = "scenarios"
META = "meta"
WEBHOOK_CONFIG = "webhook_config"
WEBHOOK_DELIVERIES = "webhook_deliveries"
WEBHOOK_PENDING = "webhook_pending"
WEBHOOK_META = "webhook_meta"
# The root store, outside every partition:
TOKEN_OWNERS = "token_owners"
WORLDS = "worlds"
WEBHOOK_SERVER = "webhook_server"
WEBHOOK_SUBSCRIBERS = "webhook_subscribers"
LEASES = "leases"


@dataclass(frozen=True)
class Table:
    name: str
    record: type | None  # the dataclass every value is; None: plain JSON data
    key: str  # what a value is stored under (for a record, its attribute of that name)
    scope: Literal["client", "root"]
    snapshot: bool  # carried by a client's state snapshot
    holds: str


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(USERS, User, "guid", "client", True, "MDX Real Time users"),
        Table(API_TOKENS, ApiToken, "token", "client", True, "SSO api tokens (one use each)"),
        Table(SESSIONS, Session, "token", "client", True, "Nexus sessions"),
        Table(MEMBERS, Member, "guid", "client", True, "members, each with its job and timeline"),
        Table(ACCOUNTS, Account, "guid", "client", True, "the accounts members' jobs found"),
        Table(WIDGET_URLS, WidgetUrl, "token", "client", False, "Connect widget URLs' one-time tokens"),
        Table(MICRO_DEPOSITS, MicroDeposit, "guid", "client", True, "micro-deposits, each with its amounts"),
        Table(DECLARED_ACCOUNTS, Declaration, "name", "client", True, "accounts declared as test data"),
        Table(
            MEMBER_DATA,
            MemberData,
            "member_guid",
            "client",
            True,
            "the data plane: each member's ledgers, aggregations, added transactions and edits",
        ),
        Table(USER_IDS, None, "id", "client", False, "index: a partner's user id -> the user's guid"),
        Table(EXTERNAL_GUIDS, None, "external_guid", "client", False, "index: a member's external_guid -> guid"),
        Table(OAUTH_WINDOWS, None, "token", "client", False, "index: an OAuth window's one-time token -> member"),
        Table(SCENARIOS, None, "name", "client", False, "scenarios uploaded to the client, in fixture format"),
        Table(META, None, "name", "client", False, "settings: the client's clock (offset, frozen instant)"),
        Table(WEBHOOK_CONFIG, None, "name", "client", False, "the client's webhook configuration (`config`)"),
        Table(WEBHOOK_DELIVERIES, None, "id", "client", False, "the webhook outbox: every event and its attempts"),
        Table(WEBHOOK_PENDING, None, "id", "client", False, "index: deliveries still to send, due time, lease"),
        Table(WEBHOOK_META, None, "name", "client", False, "the outbox's sequence and its oldest kept delivery"),
        Table(TOKEN_OWNERS, None, "token", "root", False, "index: a session, api or window token -> client id"),
        Table(WORLDS, None, "client_id", "root", False, "every client id with a world: {client_id, created_at}"),
        Table(WEBHOOK_SERVER, None, "name", "root", False, "the server's webhook configuration (`config`)"),
        Table(WEBHOOK_SUBSCRIBERS, None, "client_id", "root", False, "client ids with a webhook configuration"),
        Table(LEASES, None, "name", "root", False, "work one process runs at a time: {owner, expires} (wall time)"),
    )
}

SNAPSHOT_TABLES: tuple[Table, ...] = tuple(t for t in TABLES.values() if t.snapshot)


def record_type(table: str) -> type | None:
    """The dataclass a table's values are, or None for plain data (an unknown table's values are plain too)."""
    spec = TABLES.get(table)
    return spec.record if spec else None
