"""A real PostgreSQL server for the tests (and bench/run.py), started from the binaries pip's `pgserver` bundles.

pgserver's own `get_server` listens on a Unix socket alone, with no password; a team sandbox is reached over TCP
with one, and the fault tests stop and start the server under running replicas. So this starts the bundled
binaries itself: `initdb` with scram passwords for TCP (trust on the socket), `pg_ctl start` on 127.0.0.1 at a
free port and on a socket in its own directory, `stop`, `start` again on the same port. As root (CI, this
machine) PostgreSQL refuses to run, so it runs as the system user pgserver creates for that (`pgserver`). That
user cannot reach binaries inside a checkout under a private directory (`mktemp -d` is 0700), so then they are
copied once to a directory it can reach (`reachable_binaries`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import shutil
import subprocess
import tempfile
import warnings
from importlib.metadata import version
from pathlib import Path

with warnings.catch_warnings():  # pgserver asks platformdirs for a runtime directory at import (XDG_RUNTIME_DIR)
    warnings.simplefilter("ignore")
    import pgserver.utils
    from pgserver._commands import POSTGRES_BIN_PATH

from tests.support import free_port

SYSTEM_USER = "pgserver"  # the one pgserver's own root handling creates


def _runs_as_system_user(bin_path: Path) -> bool:
    try:
        done = subprocess.run(
            [str(bin_path / "pg_ctl"), "--version"], capture_output=True, timeout=30, user=SYSTEM_USER
        )
    except PermissionError:  # a directory on the way is closed to that user
        return False
    return done.returncode == 0


def _fingerprint(trees: list[Path]) -> str:
    """pgserver's version and each file's name and size (a link's target) under `trees`: the same for every
    install of one pgserver wheel, wherever it is, and different for another build of it. Sizes, not contents:
    a stat of each of its ~1 700 files takes ~40 ms, hashing its 34 MB much longer."""
    digest = hashlib.sha256(version("pgserver").encode())
    for tree in trees:
        for path in sorted(tree.rglob("*")):
            what = os.readlink(path) if path.is_symlink() else path.stat().st_size if path.is_file() else "dir"
            digest.update(f"\n{tree.name}/{path.relative_to(tree)}:{what}".encode())
    return digest.hexdigest()[:12]


def reachable_binaries() -> Path:
    """PostgreSQL's bin directory as the system user can run it: pgserver's own, or a copy of its install.

    The copy goes under the system's temporary directory (open to every user), named by pgserver's version and
    what its install holds (`_fingerprint`), made under a private name and renamed into place: parallel test
    processes share one, and so do checkouts with the same pgserver (each CI run clones anew: one copy per
    checkout would leave 34 MB behind each time).
    """
    if _runs_as_system_user(POSTGRES_BIN_PATH):
        return POSTGRES_BIN_PATH
    install = POSTGRES_BIN_PATH.parent  # site-packages/pgserver/pginstall
    site = install.parent.parent
    libraries = [site / "pgserver.libs"] if (site / "pgserver.libs").is_dir() else []
    copy = Path(tempfile.gettempdir()) / f"mocknexus-postgresql-{_fingerprint([install, *libraries])}"
    if not copy.exists():
        staging = Path(tempfile.mkdtemp(prefix=copy.name + "-", dir=copy.parent))
        # The binaries find their shared libraries at $ORIGIN/../../../pgserver.libs: the same layout is kept.
        shutil.copytree(install, staging / "pgserver" / install.name, symlinks=True)
        for libs in libraries:
            shutil.copytree(libs, staging / libs.name, symlinks=True)
        for path in (staging, staging / "pgserver"):
            path.chmod(0o755)
        try:
            staging.rename(copy)
        except OSError:  # another test process put its copy in place first
            shutil.rmtree(staging, ignore_errors=True)
    binaries = copy / "pgserver" / install.name / POSTGRES_BIN_PATH.name
    if not _runs_as_system_user(binaries):
        raise RuntimeError(
            f"PostgreSQL must run as the system user {SYSTEM_USER!r} (it refuses root), and that user can run "
            f"neither {POSTGRES_BIN_PATH} nor its copy at {binaries}: let it traverse those directories"
        )
    return binaries


class PostgresServer:
    def __init__(self, root: Path | None = None, password: str | None = None) -> None:
        # Not under pytest's tmp_path: pytest makes its base directory 0700 again whenever a test process
        # starts, which would lock the server's own user out of its data directory (pg_ctl stop, start).
        self.root = Path(root or tempfile.mkdtemp(prefix="mocknexus-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "socket"
        self.password = password or "pw-" + secrets.token_hex(8)
        self.port = free_port()
        self._as_root = os.geteuid() == 0
        self._binaries = POSTGRES_BIN_PATH

    # ---- addresses --------------------------------------------------------------------------------------

    def url(self, database: str = "postgres", password: bool = True) -> str:
        """postgresql://postgres:<password>@127.0.0.1:<port>/<database>: over TCP, with the password."""
        secret = f":{self.password}" if password else ""
        return f"postgresql://postgres{secret}@127.0.0.1:{self.port}/{database}"

    def socket_url(self, database: str = "postgres") -> str:
        """libpq's socket form: postgresql://postgres@/<database>?host=<dir>&port=<port>."""
        return f"postgresql://postgres@/{database}?host={self.socket_dir}&port={self.port}"

    # ---- lifecycle --------------------------------------------------------------------------------------

    def _run(self, program: str, *args: str, timeout: float = 60) -> str:
        user = SYSTEM_USER if self._as_root else None
        out = subprocess.run(
            [str(self._binaries / program), *args], capture_output=True, text=True, timeout=timeout, user=user
        )
        if out.returncode != 0:
            log = (self.root / "log").read_text() if (self.root / "log").exists() else ""
            raise RuntimeError(f"{program} failed: {out.stderr or out.stdout}\n{log[-2000:]}")
        return out.stdout

    def init(self) -> PostgresServer:
        self.data.mkdir(parents=True)
        self.socket_dir.mkdir()
        if self._as_root:
            import pwd

            pgserver.utils.ensure_user_exists(SYSTEM_USER)
            self._binaries = reachable_binaries()
            pgserver.utils.ensure_prefix_permissions(self.data)
            entry = pwd.getpwnam(SYSTEM_USER)
            for path in (self.root, self.data, self.socket_dir):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        pwfile = self.root / "pw"
        pwfile.write_text(self.password + "\n")
        if self._as_root:
            os.chown(pwfile, pwd.getpwnam(SYSTEM_USER).pw_uid, -1)
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--pwfile", str(pwfile), "--auth-local=trust",
            "--auth-host=scram-sha-256", "--encoding=utf8", "--no-sync",
        )  # fmt: skip
        pwfile.unlink()
        with (self.data / "postgresql.conf").open("a") as conf:
            # A test server: many connections (replicas x pool size, several test files), no fsync wait.
            conf.write("max_connections = 300\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n")
        return self

    def start(self) -> PostgresServer:
        self._run(
            "pg_ctl", "-D", str(self.data), "-w", "-t", "60", "-l", str(self.root / "log"),
            "-o", f"-h 127.0.0.1 -p {self.port} -k {self.socket_dir}", "start",
        )  # fmt: skip
        return self

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "-m", mode, "stop")

    def create_database(self, name: str) -> str:
        """A fresh database on this server; its TCP URL (with the password)."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def start_server(root: Path | None = None) -> PostgresServer:
    return PostgresServer(root).init().start()
