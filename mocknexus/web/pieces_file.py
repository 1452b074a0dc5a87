"""A read-only file over a list of byte strings, so that a large body kept in pieces (the whole-server snapshot:
one piece per stretch between clock values) is sent without first being joined into one string.

Why: joined, a 11 MB snapshot is one 11 MB allocation per read, made on a worker thread and freed on the
server's event-loop thread; glibc keeps such blocks in each thread's arena, and the process grew by 160 MB
under back-to-back snapshots. Sent from here, waitress reads it a socket buffer at a time (`wsgi.file_wrapper`).

waitress peeks (reads, seeks back), sends what the socket takes, and skips that much: so a read returns at
most CHUNK bytes, joined once, and a read starting inside the last chunk answers a view of the rest of it (a
raw read may be short) rather than joining the same pieces again.
"""

from __future__ import annotations

import bisect
import io
import itertools

CHUNK = 256 * 1024


class PiecesFile(io.RawIOBase):
    def __init__(self, pieces: list[bytes]) -> None:
        super().__init__()
        self._pieces = pieces
        self._ends = list(itertools.accumulate(map(len, pieces)))  # each piece's end offset
        self._size = self._ends[-1] if self._ends else 0
        self._pos = 0
        self._chunk_at, self._chunk = 0, b""  # the last chunk joined, and where it starts

    def __len__(self) -> int:
        return self._size

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, min(self._size, base + offset))
        return self._pos

    def read(self, size: int | None = -1) -> bytes | memoryview:  # type: ignore[override]
        """Up to `size` bytes (at most CHUNK: a raw read may be short; empty only at the end)."""
        start = self._pos
        wanted = self._size - start if size is None or size < 0 else size
        if wanted <= 0 or start >= self._size:
            return b""
        at, chunk = self._chunk_at, self._chunk
        if not (at <= start < at + len(chunk)):
            at, chunk = start, self._join(start, min(self._size, start + CHUNK))
            self._chunk_at, self._chunk = at, chunk
        piece = memoryview(chunk)[start - at : start - at + wanted]
        self._pos = start + len(piece)
        return piece

    def _join(self, start: int, stop: int) -> bytes:
        first = bisect.bisect_right(self._ends, start)  # the piece holding byte `start`
        last = bisect.bisect_left(self._ends, stop)  # the piece holding byte `stop - 1`
        offset = self._ends[first] - len(self._pieces[first])  # where piece `first` starts
        if first == last:
            return self._pieces[first][start - offset : stop - offset]
        last_start = self._ends[last] - len(self._pieces[last])
        return b"".join(
            [
                self._pieces[first][start - offset :],
                *self._pieces[first + 1 : last],
                self._pieces[last][: stop - last_start],
            ]
        )

    def readall(self) -> bytes:
        found = []
        while chunk := self.read(CHUNK):
            found.append(bytes(chunk))
        return b"".join(found)
