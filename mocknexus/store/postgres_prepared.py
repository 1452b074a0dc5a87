"""The PostgreSQL store's prepared statements: those it sends most, each prepared on a connection once, before the
first text sent on it that runs one (postgres_wire.py), in a round trip of its own, and then run as `EXECUTE
name(literals)` in the simple query protocol, its plan kept by the server for the connection's life.

A connection the database dropped (a restart) is replaced by the pool with a new one, which has none of them:
it is prepared again at its first use. Measured (the database's CPU, one round trip): a commit's BEGIN, BUMP
and COMMIT 177 us as text, 85 us prepared; with two records written 294 against 155 us; its check, a text with
the values read written in, cost 450 us just to parse and plan. A commit in the one-client flow cost the
database 0.8-1.1 ms as text, 0.4-0.6 ms prepared; the flow's whole, 9.8-10 ms, 5.4-7 ms (bench/inprocess.py
--store postgresql --flows 50, load 2).
"""

from __future__ import annotations

from mocknexus.store import postgres_changes as changes
from mocknexus.store import postgres_notify as notify
from mocknexus.store import postgres_sql as sql

# Each statement that runs one (as the store's statement lists carry it: `EXECUTE name(%s, ...)`), and its PREPARE.
STATEMENTS = {
    changes.PREPARED_GET: changes.PREPARE_GET,
    sql.PREPARED_CONFIRM: sql.PREPARE_CONFIRM,
    sql.VERSIONS: sql.PREPARE_VERSIONS,
    sql.VERSIONED_GET: sql.PREPARE_VERSIONED_RECORD,
    sql.VERSIONED_TABLE: sql.PREPARE_VERSIONED_TABLE,
    sql.LOCK: sql.PREPARE_LOCK,
    changes.CHANGES: changes.PREPARE_CHANGES,
    sql.GET: sql.PREPARE_RECORD,
    sql.TABLE: sql.PREPARE_TABLE,
    sql.HOLD: sql.PREPARE_HOLD,
    sql.HOLD_AT: sql.PREPARE_HOLD_AT,
    changes.BUMP: changes.PREPARE_BUMP,
    changes.BUMP_AT: changes.PREPARE_BUMP_AT,
    changes.PUT: changes.PREPARE_PUT,
    changes.DELETE: changes.PREPARE_DELETE,
    sql.PREPARED_CHECK: sql.PREPARE_CHECK,
    sql.TAKE_LEASE: sql.PREPARE_TAKE_LEASE,
    notify.NOTICE: notify.PREPARE_NOTICE,
}

# Every one in one text. DEALLOCATE ALL first: on a connection where they failed part way (a PREPARE is not
# undone with its transaction), they are made again from nothing, not refused for a name held already.
PREPARE_ALL = ";".join(["DEALLOCATE ALL", *STATEMENTS.values()])

# A text holding one of these is sent on a connection only once PREPARE_ALL was.
PREPARED = frozenset(STATEMENTS)

# Those whose parameters come written as SQL already (arrays: postgres_sql.confirm_statement, check_statement,
# versions_statement).
WRITTEN_AS_SQL = frozenset([sql.PREPARED_CONFIRM, sql.PREPARED_CHECK, sql.VERSIONS])
