"""Where a replica's notices go (store/postgres_notify.py): to each other replica's own channel, never back to the
replica that wrote (its listener is not woken by its own commits); a replica that starts says so and is told from
then on; one that has gone is told nothing more."""

from __future__ import annotations

import json

import psycopg

from mocknexus.store.postgres import PostgresStore
from tests.store.postgres_support import heard, met
from tests.store.test_store_contract import decode, encode


def test_a_commit_is_told_to_the_other_replica_and_not_to_its_own(replicas, postgres_url):
    one, two = replicas
    assert one._listener.peers == (two._listener.channel,) and two._listener.peers == (one._listener.channel,)
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'LISTEN "{one._listener.channel}"')  # what one's listener would hear
        one.put("users", "u", 1)
        two.put("users", "v", 2)  # told to one: it arrives after anything one's own commit sent there
        note = next(conn.notifies(timeout=10, stop_after=1))
    assert json.loads(note.payload)[0] == two._listener.origin  # the first thing one hears is two's commit


def test_a_replica_that_starts_is_told_of_commits_from_then_on_and_one_gone_is_dropped(replicas, postgres_url):
    one, _ = replicas
    three = PostgresStore(postgres_url, encode, decode)
    try:
        met(one, three)  # one learns of three as it starts (three's word on the shared channel)
        world = three.partition("client:a")
        one.put("users", "u", 1)
        heard(three, lambda: three._listener.applied > 0)  # one's commit reached three
        with world.scope():
            assert world.get("users", "u") == 1
    finally:
        channel = three._listener.channel
        three.close()
    heard(one, lambda: channel not in one._listener.peers)  # its connections gone: one looks again each second
