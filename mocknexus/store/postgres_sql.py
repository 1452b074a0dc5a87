"""The PostgreSQL store's SQL (store/postgres.py): its schema, versioned, and the statements it sends.

Statements go as text in the simple query protocol, several in one round trip, their values written in as
literals (`literal`); every connection sets standard_conforming_strings, so a backslash is itself.
"""

from __future__ import annotations

from typing import Any

import psycopg

from mocknexus.store import postgres_sole
from mocknexus.store.postgres_cache import Key
from mocknexus.store.postgres_changes import DELETE, MIGRATION, PREPARED_GET, PRUNE, PUT

Statement = tuple[str, tuple]

# The schema upgrade's advisory lock key (a bigint nobody else in the database uses).
SCHEMA_LOCK = 0x6D6F636B6E7802
EPOCH = "*"  # the `partitions` row `clear` of the root moves (no partition's name: theirs are quoted, and end in "/")

# Each version's DDL, applied in order to bring a database from the version before it. Text columns collate as
# "C" (bytes): a partition's tables are a range of names (see `clear`), which a locale's collation would reorder.
MIGRATIONS: dict[int, str] = {
    1: """
        CREATE TABLE records (
            tbl TEXT COLLATE "C" NOT NULL,
            key TEXT COLLATE "C" NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (tbl, key)
        )
    """,
    # Leases for clock-driven work (control/leases.py), judged by the database's clock: replicas on several
    # machines need not agree on the time for one of them to run a world's work at a time.
    2: """
        CREATE TABLE leases (
            name TEXT COLLATE "C" PRIMARY KEY,
            owner TEXT NOT NULL,
            expires_at TIMESTAMPTZ NOT NULL
        )
    """,
    # A version per partition ("" the root's, "<quoted name>/" a partition's), moved by every write to it, so a
    # replica knows whether what it read is still what the database holds (postgres_cache.py); its row is
    # also the partition's lock. The rows of the records already there are made here.
    3: """
        CREATE TABLE partitions (
            name TEXT COLLATE "C" PRIMARY KEY,
            version BIGINT NOT NULL
        );
        INSERT INTO partitions (name, version)
            SELECT DISTINCT CASE WHEN position('/' IN tbl) > 0 THEN split_part(tbl, '/', 1) || '/' ELSE '' END, 1
            FROM records
        UNION SELECT '', 1 UNION SELECT '*', 1
    """,
    # Each record's version and tombstones for deleted ones, so a read brings what changed since a replica's
    # copy (postgres_changes.py).
    4: MIGRATION,
    # The sole replica's lease, and the trigger refusing writes from any other while it runs (postgres_sole.py).
    5: postgres_sole.MIGRATION,
}
SCHEMA_VERSION = max(MIGRATIONS)


# A partition's lock and its version (with the epoch's) in one statement; a partition never written has no row.
LOCK = "SELECT p.version, e.version FROM partitions p, partitions e WHERE p.name = %s AND e.name = '*' FOR UPDATE OF p"
CREATE = "INSERT INTO partitions (name, version) VALUES (%s, 0) ON CONFLICT (name) DO NOTHING"
GET = "SELECT value FROM records WHERE tbl = %s AND key = %s"
TABLE = "SELECT key, value FROM records WHERE tbl = %s"
# Reads outside a lock carry the partition's version, in the same statement (one snapshot).
_PARTITION_VERSION = "COALESCE((SELECT version FROM partitions WHERE name = %s), 0)"
_EPOCH_VERSION = "(SELECT version FROM partitions WHERE name = '*')"
VERSIONED_GET = (
    f"SELECT {_PARTITION_VERSION}, {_EPOCH_VERSION}, (SELECT value FROM records WHERE tbl = %s AND key = %s)"
)
VERSIONED_TABLE = (
    f"SELECT v.pv, v.ev, r.key, r.value FROM (SELECT {_PARTITION_VERSION} AS pv, {_EPOCH_VERSION} AS ev) v "
    "LEFT JOIN records r ON r.tbl = %s"
)


# An optimistic transaction's commit (store/postgres.py) locks a partition it read but does not write, without
# moving its version, in share mode: two commits that read one partition (the root's) do not wait for each
# other, a writer of it waits for both. A partition never written has no row to lock: a writer making it then
# either committed before the check (which sees its records) or comes after this transaction in every respect
# (anything it read that this one writes, it reads under that partition's lock, after this one's commit).
# It returns the partition's version, with the epoch: what the request's later reads there are confirmed at.
HOLD = "SELECT version, (SELECT version FROM partitions WHERE name = '*') FROM partitions WHERE name = %s FOR SHARE"


def unmoved(name: str, seen: tuple[int, int], written: bool, reads: list[tuple[Key, str | None]], whole: bool) -> str:
    """SQL true if what a transaction read in partition `name` at version `seen` is what the database holds now,
    under the partition's lock (after its BUMP if it wrote there): the partition's version has not moved (but
    for its own BUMP), or every record it read is as it read it. With a table read whole, only the version
    tells. The epoch never moved.

    A record is as it was read if its presence is the same and it was last written at `seen` or before
    (`records.ver`, postgres_changes.py): the texts read need not be sent back. That holds only where every
    write since `seen` recorded its version (`logged`, `kept`: no write by an older mocknexus, no `clear`)."""
    part, at = literal(name), seen[0]
    epoch = f"{_EPOCH_VERSION} = {seen[1]}"
    version = f"{_PARTITION_VERSION.replace('%s', part)} = {at + int(written)}"
    if whole or not reads:
        return f"({epoch} AND {version})"
    rows = ", ".join(f"({literal(tbl)}, {literal(key)}, {text is not None})" for (tbl, key), text in reads)
    logged = f"EXISTS (SELECT 1 FROM partitions WHERE name = {part} AND logged = version AND kept <= {at})"
    same = (
        f"NOT EXISTS (SELECT 1 FROM (VALUES {rows}) AS v(tbl, key, present) LEFT JOIN records r "
        f"ON r.tbl = v.tbl AND r.key = v.key WHERE (r.tbl IS NULL) = v.present OR r.ver > {at})"
    )
    return f"({epoch} AND ({version} OR ({logged} AND {same})))"


# What a request read from copies unconfirmed (postgres_cache.Unsure), checked outside a transaction in one
# statement, prepared on each connection (postgres_wire.py) as PREPARE_GET is: for each partition read (its name,
# the version read at, whether a table of it was read whole), the epoch, its version now and whether what was read
# there is still so, as `unmoved` says (the records' part, which reads them, only where the version moved). Each
# record read: its table, key, whether it was there, and which partition it is of (its place in the first array).
PREPARED_CONFIRM = "EXECUTE mocknexus_confirm(%s, %s, %s, %s, %s, %s, %s)"
PREPARE_CONFIRM = (
    "PREPARE mocknexus_confirm(text[], bigint[], boolean[], text[], text[], boolean[], int[]) AS "
    "SELECT (SELECT version FROM partitions WHERE name = '*'), COALESCE(v.version, 0), "
    "COALESCE(v.version, 0) = p.seen OR (NOT p.whole AND v.logged = v.version AND v.kept <= p.seen AND NOT EXISTS ("
    "SELECT 1 FROM unnest($4, $5, $6, $7) AS r(tbl, key, present, ord) "
    "LEFT JOIN records x ON x.tbl = r.tbl AND x.key = r.key "
    "WHERE r.ord = p.ord AND ((x.tbl IS NULL) = r.present OR x.ver > p.seen))) "
    "FROM unnest($1, $2, $3) WITH ORDINALITY AS p(name, seen, whole, ord) "
    "LEFT JOIN partitions v ON v.name = p.name ORDER BY p.ord"
)


# Sent just before PREPARED_CONFIRM (and reset after it): the server's generic plan for it, not one made for each
# run's arrays (a custom plan, which the server keeps choosing for it: measured, a read-only request's check cost
# the database 240-270 us of CPU that way, 100-110 us with the generic plan).
GENERIC = ("SET plan_cache_mode = force_generic_plan", ())


def confirm_statement(
    names: list[str], seen: list[int], whole: list[bool], reads: list[tuple[Key, str | None, int]]
) -> Statement:
    """PREPARED_CONFIRM with its arrays written as SQL (postgres_wire.py sends them as they are): `reads` are
    (record, its text read, the place of its partition in `names`, from 1)."""

    def array(items: list[str]) -> str:
        return f"ARRAY[{', '.join(items)}]" if items else "'{}'"

    return PREPARED_CONFIRM, (
        array([literal(name) for name in names]),
        array([str(version) for version in seen]),
        array([str(flag) for flag in whole]),
        array([literal(tbl) for (tbl, _), _, _ in reads]),
        array([literal(key) for (_, key), _, _ in reads]),
        array([str(text is not None) for _, text, _ in reads]),
        array([str(place) for _, _, place in reads]),
    )


def check_statement(conditions: list[str]) -> Statement:
    """A statement that fails (division by zero, store/postgres.py's sign that the world moved) unless every
    condition holds: the commit's writes after it are then not made. Plain SQL has no RAISE; the division by a
    value computed from the table is not folded away when the statement is planned."""
    return f"SELECT 1 / (CASE WHEN {' AND '.join(conditions)} THEN 1 ELSE 0 END)", ()


def write_statement(key: Key, text: str | None) -> Statement:
    """A record written (None: deleted, leaving a tombstone if it was there) at its partition's version, after
    the writer's BUMP (postgres_changes.py)."""
    if text is None:
        return DELETE, (*key, partition_of(key[0]))
    return PUT, (*key, text, partition_of(key[0]))


def write_statements(writes: dict[Key, str | None]) -> list[Statement]:
    """A commit's writes, and the pruning of old tombstones in each partition where it deletes."""
    statements = [write_statement(key, text) for key, text in writes.items()]
    deleting = sorted({partition_of(key[0]) for key, text in writes.items() if text is None})
    return statements + [(PRUNE, (name, name, name)) for name in deleting]


def versioned_get_statement(name: str, wanted: Key, known: tuple[int, int] | None) -> Statement:
    """A record with its partition's version, and the records changed since a copy at version `known` (None: no
    copy), in one statement (postgres_changes.PREPARE_GET says its rows)."""
    at = known if known is not None else (-1, -1)
    return PREPARED_GET, (name, *wanted, *at)


def configure(conn: psycopg.Connection) -> None:
    """Each new connection: values are sent as literals (`literal`), so a backslash must stay a backslash
    whatever the server's or the database's default."""
    conn.execute("SET standard_conforming_strings = on")


def literal(value: str | float | None) -> str:
    """A value as an SQL literal. Strings as standard-conforming literals (every connection sets
    standard_conforming_strings: a backslash is itself), a quote doubled; PostgreSQL's text holds no NUL."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("PostgreSQL text cannot hold a NUL character")
        return "'" + value.replace("'", "''") + "'"
    if value is None:
        return "NULL"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"no SQL literal for {type(value).__name__}")
    return repr(value)


def partition_of(name: str) -> str:
    """The partition a table's full name belongs to: "<quoted name>/" before its "/", the root's "" if none."""
    slash = name.find("/")
    return name[: slash + 1] if slash >= 0 else ""


def first(rows: list[tuple]) -> Any:
    return rows[0][0] if rows else None


# A lease (control/leases.py) taken or renewed by the database's clock: a row back if `owner` holds it now.
TAKE_LEASE = (
    "INSERT INTO leases (name, owner, expires_at) VALUES (%s, %s, now() + make_interval(secs => %s)) "
    "ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at "
    "WHERE leases.owner = EXCLUDED.owner OR leases.expires_at < now() RETURNING owner"
)
RELEASE_LEASE = "DELETE FROM leases WHERE name = %s AND owner = %s"
