"""A body sent in pieces (web/pieces_file.py) reads, seeks and tells as the joined bytes would."""

from __future__ import annotations

import io
import random

from mocknexus.web.pieces_file import PiecesFile


def test_reads_and_seeks_through_pieces_as_through_the_joined_bytes():
    rng = random.Random(7)
    pieces = [bytes(rng.randrange(256) for _ in range(rng.randrange(0, 40))) for _ in range(300)]
    ours, joined = PiecesFile(pieces), io.BytesIO(b"".join(pieces))
    assert len(ours) == len(joined.getvalue())
    for _ in range(2000):
        if rng.random() < 0.3:
            offset, whence = rng.randrange(-50, len(ours) + 50), rng.choice([0, 1, 2])
            target = {0: 0, 1: joined.tell(), 2: len(ours)}[whence] + offset
            if 0 <= target <= len(ours):  # BytesIO refuses a negative position; past the end is not used here
                assert ours.seek(offset, whence) == joined.seek(offset, whence)
        size = rng.choice([0, 1, 7, 100, 5000]) if rng.random() < 0.05 else rng.randrange(0, 200)
        got = bytes(ours.read(size))  # a raw read: it may be short, but never empty before the end
        assert got == joined.read(len(got))
        assert got or size == 0 or ours.tell() == len(ours)
        assert ours.tell() == joined.tell()
    ours.seek(0), joined.seek(0)
    assert ours.readall() == joined.read()


def test_a_read_within_the_last_chunk_joins_nothing_again():
    pieces = [bytes([n % 256]) * 1000 for n in range(1000)]  # 1 MB in 1 000 pieces
    body = PiecesFile(pieces)
    first = body.read(300_000)
    body.seek(100_000)
    again = body.read(300_000)
    assert bytes(again) == b"".join(pieces)[100_000 : 100_000 + len(again)]
    assert again.obj is first.obj  # a view of the chunk joined for the first read
