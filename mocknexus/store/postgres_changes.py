"""What changed in a partition since a replica's copy of it: the records' versions, deletions kept as tombstones.

Every record carries the version of its partition it was last written at (`records.ver`), and a record deleted
leaves a tombstone (`tombstones`: its table, key and the version it was deleted at). So the records changed
since version K are the records and tombstones of the partition whose version is past K, found by an index on
(partition, version). A replica's read of a partition whose copy is at K, once it finds the partition moved,
brings them in the same statement and brings its copy to the partition's version (postgres_cache.py,
`Copies.advance`): across two replicas a request's first read of a world the other replica wrote makes the copy
current, and its later reads answer from it, without a round trip each.

That holds only if every change since K is there. Two things bound it, in each partition's row of `partitions`:

- `kept`: tombstones are pruned (a commit that deletes drops the partition's tombstones older than KEEP_VERSIONS
  versions, `PRUNE`), and `clear` deletes records without tombstones; both raise `kept`, the oldest version
  from which the changes are complete. A copy older than `kept` starts again, empty.
- `logged`: the version of the last write that recorded its changes (this mocknexus's `BUMP` sets it with the
  version). A mocknexus of an older schema, still running during a rolling deploy, moves the version without
  it and writes without versions or tombstones: while `logged` lags `version` no copy is brought forward
  (each starts again, as before this schema), and the next write here raises `kept` past that write.

A read brings at most MAX_CHANGES records (a world another replica filled with thousands of records: its copy
starts again, empty, rather than hold them all).
"""

from __future__ import annotations

MAX_CHANGES = 256
KEEP_VERSIONS = 1000  # a partition's tombstones are kept this many of its versions; older copies start again

# A partition's name from a table's full name, as an expression (the index is on it): "<quoted name>/" or "".
_PART = "left({0}, strpos({0}, '/'))"

# Version 4 of the schema. Records already there are at version 0 and every partition's `kept` is its version
# now: a copy made before the upgrade is never brought forward.
_TABLES = f"""
    ALTER TABLE records ADD COLUMN ver BIGINT NOT NULL DEFAULT 0;
    CREATE INDEX records_changes ON records (({_PART.format("tbl")}), ver);
    CREATE TABLE tombstones (
        tbl TEXT COLLATE "C" NOT NULL,
        key TEXT COLLATE "C" NOT NULL,
        ver BIGINT NOT NULL,
        PRIMARY KEY (tbl, key)
    );
    CREATE INDEX tombstones_changes ON tombstones (({_PART.format("tbl")}), ver);
    ALTER TABLE partitions ADD COLUMN kept BIGINT NOT NULL DEFAULT 0, ADD COLUMN logged BIGINT NOT NULL DEFAULT 0;
    UPDATE partitions SET kept = version, logged = version;
"""

# Every write moves its partition's version, in the writer's transaction (which holds the row until it commits),
# and says its changes are recorded (`logged`); if the write before was not recorded (an older mocknexus's),
# the changes are complete only from that write's version on.
# Prepared on each connection (postgres_prepared.py), as PUT and DELETE are: a commit's statements, run as `EXECUTE`
# with their values as literals, planned once per connection rather than parsed and planned in every commit.
BUMP = "EXECUTE mocknexus_bump(%s)"
PREPARE_BUMP = (
    "PREPARE mocknexus_bump(text) AS "
    "INSERT INTO partitions (name, version, logged) VALUES ($1, 1, 1) ON CONFLICT (name) DO UPDATE "
    "SET version = partitions.version + 1, logged = partitions.version + 1, kept = CASE "
    "WHEN partitions.logged = partitions.version THEN partitions.kept ELSE partitions.version END "
    "RETURNING version, (SELECT version FROM partitions WHERE name = '*')"
)
# BUMP that is also an optimistic commit's check of the partition (postgres_checks.py), under the row's lock: it
# fails (division by zero, as PREPARED_CHECK does) unless the partition was still at the version read ($2; 0:
# never written) and the epoch at $3. Parameters: the partition, the version, the epoch.
BUMP_AT = "EXECUTE mocknexus_bump_at(%s, %s, %s)"
PREPARE_BUMP_AT = (
    "PREPARE mocknexus_bump_at(text, bigint, bigint) AS "
    "INSERT INTO partitions (name, version, logged) VALUES ($1, 1, 1) ON CONFLICT (name) DO UPDATE "
    "SET version = partitions.version + 1, logged = partitions.version + 1, kept = CASE "
    "WHEN partitions.logged = partitions.version THEN partitions.kept ELSE partitions.version END "
    "RETURNING version, (SELECT version FROM partitions WHERE name = '*'), "
    "1 / (CASE WHEN version = $2 + 1 AND (SELECT version FROM partitions WHERE name = '*') = $3 THEN 1 ELSE 0 END)"
)
# `clear` deletes records without tombstones, before its BUMP: only copies from the version it makes on are whole.
CLEARED = "UPDATE partitions SET kept = version + 1 WHERE name = %s"

# A record written, and one deleted (its tombstone left), at its partition's version: the writer's, after its BUMP.
# Parameters: the table, the key, (PUT) the text, the partition.
_VERSION_OF = "(SELECT version FROM partitions WHERE name = {0})"
PUT = "EXECUTE mocknexus_put(%s, %s, %s, %s)"
PREPARE_PUT = (
    "PREPARE mocknexus_put(text, text, text, text) AS "
    f"INSERT INTO records (tbl, key, value, ver) VALUES ($1, $2, $3, {_VERSION_OF.format('$4')}) "
    "ON CONFLICT (tbl, key) DO UPDATE SET value = EXCLUDED.value, ver = EXCLUDED.ver"
)
DELETE = "EXECUTE mocknexus_delete(%s, %s, %s)"
PREPARE_DELETE = (
    "PREPARE mocknexus_delete(text, text, text) AS "
    "WITH gone AS (DELETE FROM records WHERE tbl = $1 AND key = $2 RETURNING tbl, key) "
    f"INSERT INTO tombstones (tbl, key, ver) SELECT tbl, key, {_VERSION_OF.format('$3')} FROM gone "
    "ON CONFLICT (tbl, key) DO UPDATE SET ver = EXCLUDED.ver"
)
# With a commit that deletes in a partition: its tombstones older than KEEP_VERSIONS versions dropped, `kept`
# raised past them (the row is the writer's already: its BUMP locked it).
PRUNE = (
    f"WITH p AS (SELECT version - {KEEP_VERSIONS} AS upto FROM partitions WHERE name = %s), "
    f"gone AS (DELETE FROM tombstones t USING p WHERE {_PART.format('t.tbl')} = %s AND t.ver <= p.upto RETURNING 1) "
    "UPDATE partitions SET kept = p.upto FROM p WHERE name = %s AND kept < p.upto AND EXISTS (SELECT 1 FROM gone)"
)
CLEAR_TOMBSTONES = "DELETE FROM tombstones WHERE tbl >= %s AND tbl < %s"


def _since(part: str, known: str) -> str:
    """The partition's records and tombstones changed after version `known` (SQL expressions): tbl, key, value."""
    return (
        f"SELECT tbl, key, value FROM records WHERE {_PART.format('tbl')} = {part} AND ver > {known} "
        f"UNION ALL SELECT t.tbl, t.key, NULL FROM tombstones t WHERE {_PART.format('t.tbl')} = {part} "
        f"AND t.ver > {known} AND NOT EXISTS (SELECT 1 FROM records r WHERE r.tbl = t.tbl AND r.key = t.key)"
    )


# The records changed in a partition after a version, as an array of [table, key, text] (text NULL: deleted; at
# most MAX_CHANGES + 1), NULL if none. A function, called only when a copy is out of date: a statement that named
# the tables itself would open them (and their indexes) on every run, a quarter more of the database's CPU for
# the read that finds its copy current. STABLE: its query sees the calling statement's snapshot.
CHANGES_FUNCTION = (
    "CREATE FUNCTION mocknexus_changes(part text, since bigint) RETURNS text[] LANGUAGE plpgsql STABLE AS $f$ "
    "BEGIN RETURN (SELECT array_agg(ARRAY[c.tbl, c.key, c.value]) "
    f"FROM ({_since('part', 'since')} LIMIT {MAX_CHANGES + 1}) c); END $f$"
)


MIGRATION = _TABLES + CHANGES_FUNCTION


def _state(part: str, known: str, epoch: str, value: str) -> str:
    """A partition's version, the epoch, whether the changes since a copy at (`known`, `epoch`) come (the
    partition moved since, and they are whole: `kept`, `logged`), `value`, and those changes: one row (a
    partition never written has no row of its own: version 0, nothing changed)."""
    moved = (
        f"COALESCE(v.version <> {known} AND e.version = {epoch} AND v.kept <= {known} AND v.logged = v.version, FALSE)"
    )
    return (
        f"SELECT COALESCE(v.version, 0), e.version, {moved}, {value}, "
        f"CASE WHEN {moved} THEN mocknexus_changes({part}, {known}) END "
        f"FROM partitions e LEFT JOIN partitions v ON v.name = {part} WHERE e.name = '*'"
    )


# A lone read of one record with its partition's state, in one snapshot: the partition's version, the epoch,
# whether the changes since the copy's version come with it, the record's text, and those changes (NULL: none).
# Prepared on each connection before its first use (postgres_wire.py) and run as `EXECUTE` in the simple
# protocol, its plan kept by the server: it is the statement most sent. Without a copy, its version and epoch
# are -1 (nothing is brought).
PREPARED_GET = "EXECUTE mocknexus_get(%s, %s, %s, %s, %s)"
PREPARE_GET = "PREPARE mocknexus_get(text, text, text, bigint, bigint) AS " + _state(
    "$1", "$4", "$5", "(SELECT value FROM records WHERE tbl = $2 AND key = $3)"
)


# After a partition's LOCK (in its round trip, under the lock): as PREPARE_GET, without a record.
CHANGES = "EXECUTE mocknexus_changes_at(%s, %s, %s)"
PREPARE_CHANGES = "PREPARE mocknexus_changes_at(text, bigint, bigint) AS " + _state("$1", "$2", "$3", "NULL")


def changes_statement(part: str, known: tuple[int, int]) -> tuple[str, tuple]:
    """CHANGES since a copy at version `known`."""
    return CHANGES, (part, *known)


def brought(moved: bool, changes: list[list[str | None]] | None) -> dict[tuple[str, str], str | None] | None:
    """The changes a read brought (None: they did not come, or more than a copy takes, MAX_CHANGES: the copy
    then starts again)."""
    if not moved or (changes is not None and len(changes) > MAX_CHANGES):
        return None
    return {(tbl, key): text for tbl, key, text in changes or ()}  # type: ignore[misc]
