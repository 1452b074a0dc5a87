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
        size = rng.choice([-1, 0, 1, 7, 100, 5000]) if rng.random() < 0.05 else rng.randrange(0, 200)
        assert ours.read(size) == joined.read(size)
        assert ours.tell() == joined.tell()
