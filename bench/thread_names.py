"""`mocknexus` with each thread's name given to the operating system too (Linux), so a measurement can split a
server's CPU by thread from /proc (bench/flow_cpu.py --threads): waitress's workers, its main thread (the
sockets), the PostgreSQL store's listener, the background sweep, the sole lease.

    python bench/thread_names.py serve --port 8080      # as `python -m mocknexus serve --port 8080`

As `python -m mocknexus`, it serves the checkout it is run in (its working directory), wherever this file is.

Python 3.11 names its threads for itself alone; an OS name is at most 15 bytes (prctl's PR_SET_NAME). Elsewhere
than Linux the names stay Python's and the server runs as it would.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from collections.abc import Callable

PR_SET_NAME = 15


def _named_run(run: Callable[[threading.Thread], None]) -> Callable[[threading.Thread], None]:
    """threading.Thread.run, giving the thread's name to the system first (as it is, if that cannot be done)."""
    try:
        prctl = ctypes.CDLL(None).prctl
    except (OSError, AttributeError):
        return run

    def named(self: threading.Thread) -> None:
        prctl(PR_SET_NAME, self.name.encode()[:15], 0, 0, 0)
        run(self)

    return named


if __name__ == "__main__":
    threading.Thread.run = _named_run(threading.Thread.run)  # type: ignore[method-assign]
    sys.path[0] = os.getcwd()  # the checkout run in, as `python -m` has it (not this file's folder)
    from mocknexus.cli import main

    sys.exit(main(sys.argv[1:]))
