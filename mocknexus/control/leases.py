"""Leases: work that one process at a time runs for everyone sharing a store (worker processes over one SQLite
file, replicas over one PostgreSQL database), such as the background sweep of clock-driven work.

A lease is taken for a while and renewed by its holder on each run; another process takes it over once it has
run out (its holder stopped, or was killed with -9). PostgreSQL judges expiry by the database's clock (its
`lease`, store/postgres.py), so replicas on machines whose clocks differ still agree; other stores keep the
lease as a record of the root store, judged by this machine's clock (one machine: worker processes).
"""

from __future__ import annotations

import os
import secrets
import socket
import time

from mocknexus.domain.core.tables import LEASES
from mocknexus.store import Store

# This process's name on the leases it holds (the webhook dispatcher's claims name it the same way).
OWNER = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"


class Lease:
    def __init__(self, root: Store, name: str, seconds: float, owner: str = OWNER) -> None:
        self.root = root
        self.name = name
        self.seconds = seconds
        self.owner = owner

    def hold(self) -> bool:
        """Take the lease, or renew it if this process holds it already: True if it holds it now."""
        native = getattr(self.root, "lease", None)
        if native is not None:
            return native(self.name, self.owner, self.seconds)
        now = time.time()
        with self.root.transaction():
            found = self.root.get(LEASES, self.name)
            if found is not None and found["owner"] != self.owner and found["expires"] > now:
                return False
            self.root.put(LEASES, self.name, {"owner": self.owner, "expires": now + self.seconds})
            return True

    def release(self) -> None:
        native = getattr(self.root, "release", None)
        if native is not None:
            native(self.name, self.owner)
            return
        with self.root.transaction():
            found = self.root.get(LEASES, self.name)
            if found is not None and found["owner"] == self.owner:
                self.root.delete(LEASES, self.name)
