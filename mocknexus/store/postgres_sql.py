"""The PostgreSQL store's SQL (store/postgres.py): its schema, versioned, and the statements it sends.

Statements go as text in the simple query protocol, several in one round trip, their values written in as
literals (`literal`); every connection sets standard_conforming_strings, so a backslash is itself. Those sent
most (a lone read, a lock, a commit's statements and its check) are prepared on each connection and sent as
`EXECUTE name(literals)` (postgres_prepared.py).
"""

from __future__ import annotations

from typing import Any

import psycopg

from mocknexus.store.postgres_cache import Key
from mocknexus.store.postgres_changes import DELETE, MIGRATION, PREPARED_GET, PRUNE, PUT

Statement = tuple[str, tuple]

# The schema upgrade's advisory lock key (a bigint nobody else in the database uses).
SCHEMA_LOCK = 0x6D6F636B6E7802
EPOCH = "*"  # the `partitions` row `clear` of the root moves (no partition's name: theirs are quoted, and end in "/")

# What the sole lease's trigger (version 5) says when it refuses a write (postgres_wire.py waits, then sends again).
REFUSED = "mocknexus: another replica holds the sole lease"

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
    # The sole replica's lease (postgres_sole.py): its row, always there (a writer's trigger locks it FOR SHARE, so
    # taking the lease, an UPDATE, waits for writes under way), and the trigger refusing writes from anyone but its
    # holder while it runs.
    5: f"""
        CREATE TABLE sole_lease (
            one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
            owner TEXT NOT NULL,
            expires_at TIMESTAMPTZ NOT NULL
        );
        INSERT INTO sole_lease (owner, expires_at) VALUES ('', '-infinity');
        CREATE FUNCTION mocknexus_sole_writer() RETURNS trigger LANGUAGE plpgsql AS $f$
        BEGIN
            IF EXISTS (SELECT 1 FROM sole_lease WHERE owner <> current_setting('application_name')
                       AND expires_at > clock_timestamp() FOR SHARE) THEN
                RAISE EXCEPTION '{REFUSED}' USING ERRCODE = 'serialization_failure';
            END IF;
            RETURN NULL;
        END $f$;
        CREATE TRIGGER sole_writer BEFORE INSERT OR UPDATE OR DELETE ON partitions
            FOR EACH STATEMENT EXECUTE FUNCTION mocknexus_sole_writer();
    """,
}
SCHEMA_VERSION = max(MIGRATIONS)


# A partition's lock and its version (with the epoch's) in one statement; a partition never written has no row.
# Prepared on each connection (postgres_prepared.py), as HOLD and the commit's check are.
LOCK = "EXECUTE mocknexus_lock(%s)"
PREPARE_LOCK = (
    "PREPARE mocknexus_lock(text) AS "
    "SELECT p.version, e.version FROM partitions p, partitions e WHERE p.name = $1 AND e.name = '*' FOR UPDATE OF p"
)
CREATE = "INSERT INTO partitions (name, version) VALUES (%s, 0) ON CONFLICT (name) DO NOTHING"
# A record, and a table's records, under the partition's lock; prepared as LOCK is.
GET = "EXECUTE mocknexus_record(%s, %s)"
PREPARE_RECORD = "PREPARE mocknexus_record(text, text) AS SELECT value FROM records WHERE tbl = $1 AND key = $2"
TABLE = "EXECUTE mocknexus_table(%s)"
PREPARE_TABLE = "PREPARE mocknexus_table(text) AS SELECT key, value FROM records WHERE tbl = $1"
# Reads outside a lock carry the partition's version, in the same statement (one snapshot); prepared too.
_PARTITION_VERSION = "COALESCE((SELECT version FROM partitions WHERE name = $1), 0)"
_EPOCH_VERSION = "(SELECT version FROM partitions WHERE name = '*')"
VERSIONED_GET = "EXECUTE mocknexus_versioned_record(%s, %s, %s)"
PREPARE_VERSIONED_RECORD = (
    "PREPARE mocknexus_versioned_record(text, text, text) AS "
    f"SELECT {_PARTITION_VERSION}, {_EPOCH_VERSION}, (SELECT value FROM records WHERE tbl = $2 AND key = $3)"
)
VERSIONED_TABLE = "EXECUTE mocknexus_versioned_table(%s, %s)"
PREPARE_VERSIONED_TABLE = (
    "PREPARE mocknexus_versioned_table(text, text) AS "
    f"SELECT v.pv, v.ev, r.key, r.value FROM (SELECT {_PARTITION_VERSION} AS pv, {_EPOCH_VERSION} AS ev) v "
    "LEFT JOIN records r ON r.tbl = $2"
)


# An optimistic transaction's commit (store/postgres.py) locks a partition it read but does not write, without
# moving its version, in share mode: two commits that read one partition (the root's) do not wait for each
# other, a writer of it waits for both. A partition never written has no row to lock: a writer making it then
# either committed before the check (which sees its records) or comes after this transaction in every respect
# (anything it read that this one writes, it reads under that partition's lock, after this one's commit).
# It returns the partition's version, with the epoch: what the request's later reads there are confirmed at.
HOLD = "EXECUTE mocknexus_hold(%s)"
PREPARE_HOLD = (
    "PREPARE mocknexus_hold(text) AS "
    "SELECT version, (SELECT version FROM partitions WHERE name = '*') FROM partitions WHERE name = $1 FOR SHARE"
)

# HOLD that is also an optimistic commit's check of the partition, as BUMP_AT (postgres_changes.py) is for one it
# writes: its row locked in share mode if there is one, and division by zero unless it is still at the version
# read ($2; 0: no row) with the epoch at $3. One row always: the version (NULL: no row) and the epoch.
HOLD_AT = "EXECUTE mocknexus_hold_at(%s, %s, %s)"
PREPARE_HOLD_AT = (
    "PREPARE mocknexus_hold_at(text, bigint, bigint) AS "
    "SELECT h.version, h.epoch, 1 / (CASE WHEN COALESCE(h.version, 0) = $2 AND h.epoch = $3 THEN 1 ELSE 0 END) "
    "FROM (SELECT (SELECT version FROM partitions WHERE name = $1 FOR SHARE) AS version, "
    "(SELECT version FROM partitions WHERE name = '*') AS epoch) h"
)


# Whether what a request read in a partition is what the database holds now: a row `p` of the partitions read
# (`name`, the version read at `seen`, `whole`: a table of it read whole, or no record; `ord`: its place) beside
# `v`, the partition's row now (none if never written). The partition's version is `expected` (the version read
# at, or after it for a commit's own BUMP), or every record read there is as it was read: parameters $4-$7 are
# the records read (table, key, whether it was there, the `ord` of its partition). A record is as it was read if
# its presence is the same and it was last written at `seen` or before (`records.ver`, postgres_changes.py): the
# texts read need not be sent back. That holds only where every write since `seen` recorded its version
# (`logged`, `kept`: no write by an older mocknexus, no `clear`). With a table read whole, only the version
# tells. NULL (not true) where the version moved and the partition has no row.
def _unmoved(expected: str) -> str:
    return (
        f"COALESCE(v.version, 0) = {expected} OR (NOT p.whole AND v.logged = v.version AND v.kept <= p.seen "
        "AND NOT EXISTS (SELECT 1 FROM unnest($4, $5, $6, $7) AS r(tbl, key, present, ord) "
        "LEFT JOIN records x ON x.tbl = r.tbl AND x.key = r.key "
        "WHERE r.ord = p.ord AND ((x.tbl IS NULL) = r.present OR x.ver > p.seen)))"
    )


_READ_AS = "(text[], bigint[], boolean[], text[], text[], boolean[], int[]"  # partitions, then records read
# `v` for each partition read, looked up by its name one by one (OFFSET 0 keeps the subquery from being made a
# join): the generic plan otherwise joins the arrays to every row of `partitions` (a hash join over a scan of the
# table, however many worlds it holds). Measured (2 partitions read of 3): 5-25 us less of the database's CPU.
_ROW_NOW = "LEFT JOIN LATERAL (SELECT version, logged, kept FROM partitions WHERE name = p.name OFFSET 0) v ON TRUE"

# What a request read from copies unconfirmed (postgres_cache.Unsure), checked outside a transaction in one
# statement: for each partition read (its name, the version read at, whether a table of it was read whole), the
# epoch, its version now and whether what was read there is still so (`_unmoved`). Each record read: its table,
# key, whether it was there, and which partition it is of (its place in the first array).
PREPARED_CONFIRM = "EXECUTE mocknexus_confirm(%s, %s, %s, %s, %s, %s, %s)"
PREPARE_CONFIRM = (
    f"PREPARE mocknexus_confirm{_READ_AS}) AS "
    "SELECT (SELECT version FROM partitions WHERE name = '*'), COALESCE(v.version, 0), "
    f"{_unmoved('p.seen')} "
    f"FROM unnest($1, $2, $3) WITH ORDINALITY AS p(name, seen, whole, ord) {_ROW_NOW} ORDER BY p.ord"
)

# An optimistic transaction's commit checks, under the partitions' locks (after its BUMPs and HOLDs), that what it
# read is still so, as PREPARED_CONFIRM does, and that the epoch never moved (parameter $9: the epoch read at,
# per partition); $8 is each partition's version expected now: the version read at, one more where it wrote.
# The statement fails (division by zero, store/postgres.py's sign that the world moved) unless every partition
# holds: the commit's writes after it are then not made. Plain SQL has no RAISE; the division by a value computed
# from the tables is not folded away when the statement is planned.
PREPARED_CHECK = "EXECUTE mocknexus_check(%s, %s, %s, %s, %s, %s, %s, %s, %s)"
PREPARE_CHECK = (
    f"PREPARE mocknexus_check{_READ_AS}, bigint[], bigint[]) AS "
    "SELECT 1 / (CASE WHEN EXISTS (SELECT 1 FROM unnest($1, $2, $3, $8, $9) WITH ORDINALITY "
    f"AS p(name, seen, whole, expected, epoch, ord) {_ROW_NOW} "
    "WHERE ((SELECT version FROM partitions WHERE name = '*') = p.epoch "
    f"AND ({_unmoved('p.expected')})) IS NOT TRUE) THEN 0 ELSE 1 END)"
)


def _array(items: list[str]) -> str:
    return f"ARRAY[{', '.join(items)}]" if items else "'{}'"


def _read_arrays(
    names: list[str], seen: list[int], whole: list[bool], reads: list[tuple[Key, str | None, int]]
) -> tuple[str, ...]:
    """The arrays of PREPARED_CONFIRM and PREPARED_CHECK, written as SQL (postgres_wire.py sends them as they
    are): `reads` are (record, its text read, the place of its partition in `names`, from 1)."""
    return (
        _array([literal(name) for name in names]),
        _array([str(version) for version in seen]),
        _array([str(flag) for flag in whole]),
        _array([literal(tbl) for (tbl, _), _, _ in reads]),
        _array([literal(key) for (_, key), _, _ in reads]),
        _array([str(text is not None) for _, text, _ in reads]),
        _array([str(place) for _, _, place in reads]),
    )


# The versions of the partitions named (and of the epoch, by its name, EPOCH): a partition never written has no row.
# What a read-only request's check sends where its replica knows of no write since its reads (postgres_checks.py).
VERSIONS = "EXECUTE mocknexus_versions(%s)"
PREPARE_VERSIONS = "PREPARE mocknexus_versions(text[]) AS SELECT name, version FROM partitions WHERE name = ANY($1)"


def versions_statement(names: list[str]) -> Statement:
    """VERSIONS for `names` and the epoch, the array written as SQL (postgres_wire.py sends it as it is)."""
    return VERSIONS, (_array([literal(name) for name in [EPOCH, *names]]),)


def confirm_statement(
    names: list[str], seen: list[int], whole: list[bool], reads: list[tuple[Key, str | None, int]]
) -> Statement:
    """PREPARED_CONFIRM with its arrays (`_read_arrays`)."""
    return PREPARED_CONFIRM, _read_arrays(names, seen, whole, reads)


def check_statement(
    seen: dict[str, tuple[int, int]], written: set[str], reads: dict[str, list[tuple[Key, str | None]]], whole: set[str]
) -> Statement:
    """PREPARED_CHECK for what a transaction read in each partition (`seen`: at which version and epoch; `reads`:
    the records it read there, with their texts; `whole`: where it read a table whole), the partitions it wrote
    (`written`) moved once by its BUMPs. Where it read no record only the version tells, as with a table whole."""
    names = list(seen)
    places = {name: place for place, name in enumerate(names, start=1)}
    read = [(key, text, places[name]) for name, found in reads.items() if name in places for key, text in found]
    arrays = _read_arrays(
        names, [seen[name][0] for name in names], [name in whole or not reads.get(name) for name in names], read
    )
    expected = _array([str(seen[name][0] + (name in written)) for name in names])
    return PREPARED_CHECK, (*arrays, expected, _array([str(seen[name][1]) for name in names]))


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
    whatever the server's or the database's default. Its prepared statements (postgres_prepared.py) run on the
    server's generic plan, made once, not one made for each run's values: the server chooses it for the others
    after their fifth run, but keeps planning PREPARED_CONFIRM anew for its arrays. Measured (the database's CPU,
    one statement replayed): the check 270-310 us planned anew, 130-145 us on the generic plan (150-165 us with
    the setting switched on and off around it, as before); the lone read 160 us either way."""
    conn.execute("SET standard_conforming_strings = on")
    conn.execute("SET plan_cache_mode = force_generic_plan")


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
# Prepared on each connection (postgres_prepared.py): each replica's background thread takes it at every run.
TAKE_LEASE = "EXECUTE mocknexus_take_lease(%s, %s, %s)"
PREPARE_TAKE_LEASE = (
    "PREPARE mocknexus_take_lease(text, text, float8) AS "
    "INSERT INTO leases (name, owner, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3)) "
    "ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at "
    "WHERE leases.owner = EXCLUDED.owner OR leases.expires_at < now() RETURNING owner"
)
RELEASE_LEASE = "DELETE FROM leases WHERE name = %s AND owner = %s"
