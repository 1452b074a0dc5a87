"""The PostgreSQL store's prepared statements: those it sends most, each prepared on a connection once, before the
first text sent on it that runs one (postgres_wire.py), in a round trip of its own, and then run as `EXECUTE
name(literals)` in the simple query protocol, its plan kept by the server for the connection's life.

A connection the database dropped (a restart) is replaced by the pool with a new one, which has none of them:
it is prepared again at its first use. Measured (the database's CPU, one round trip): a commit's BEGIN, BUMP
and COMMIT 177 us as text, 85 us prepared; with two records written 294 against 155 us; its check, a text with
the values read written in, cost 450 us just to parse and plan.
"""

from __future__ import annotations

from mocknexus.store.postgres_changes import (
    BUMP,
    CHANGES,
    DELETE,
    PREPARE_BUMP,
    PREPARE_CHANGES,
    PREPARE_DELETE,
    PREPARE_GET,
    PREPARE_PUT,
    PREPARED_GET,
    PUT,
)
from mocknexus.store.postgres_sql import (
    HOLD,
    LOCK,
    PREPARE_CHECK,
    PREPARE_CONFIRM,
    PREPARE_HOLD,
    PREPARE_LOCK,
    PREPARE_TAKE_LEASE,
    PREPARED_CHECK,
    PREPARED_CONFIRM,
    TAKE_LEASE,
)

# Every one in one text. DEALLOCATE ALL first: on a connection where they failed part way (a PREPARE is not
# undone with its transaction), they are made again from nothing, not refused for a name held already.
PREPARE_ALL = ";".join(
    [
        "DEALLOCATE ALL",
        PREPARE_GET,
        PREPARE_CONFIRM,
        PREPARE_LOCK,
        PREPARE_CHANGES,
        PREPARE_HOLD,
        PREPARE_BUMP,
        PREPARE_PUT,
        PREPARE_DELETE,
        PREPARE_CHECK,
        PREPARE_TAKE_LEASE,
    ]
)

# The statements that run them: a text holding one is sent on a connection only once PREPARE_ALL was.
PREPARED = frozenset(
    [PREPARED_GET, PREPARED_CONFIRM, LOCK, CHANGES, HOLD, BUMP, PUT, DELETE, PREPARED_CHECK, TAKE_LEASE]
)

# Those whose parameters come written as SQL already (arrays: postgres_sql.confirm_statement, check_statement).
WRITTEN_AS_SQL = frozenset([PREPARED_CONFIRM, PREPARED_CHECK])
