"""The tests' own PostgreSQL: it starts from a checkout anywhere, even one only root may enter."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests import postgres_server
from tests.postgres_server import POSTGRES_BIN_PATH, PostgresServer


@pytest.mark.skipif(os.geteuid() != 0, reason="PostgreSQL runs as another user only when the tests run as root")
def test_binaries_in_a_private_directory_are_run_from_a_copy_the_server_user_can_reach(monkeypatch):
    # A site-packages under a directory of mode 0700, as a checkout in `mktemp -d` has it.
    private = Path(tempfile.mkdtemp(prefix="mocknexus-private-"))
    open_tmp = Path(tempfile.mkdtemp(prefix="mocknexus-open-"))
    open_tmp.chmod(0o755)
    try:
        install = POSTGRES_BIN_PATH.parent
        site = private / "site-packages"
        shutil.copytree(install, site / "pgserver" / install.name, symlinks=True)
        shutil.copytree(install.parent.parent / "pgserver.libs", site / "pgserver.libs", symlinks=True)
        private.chmod(0o700)
        hidden = site / "pgserver" / install.name / POSTGRES_BIN_PATH.name
        monkeypatch.setattr(postgres_server, "POSTGRES_BIN_PATH", hidden)
        monkeypatch.setattr(tempfile, "tempdir", str(open_tmp))
        assert not postgres_server._runs_as_system_user(hidden)

        server = PostgresServer(root=open_tmp / "server").init().start()
        try:
            assert server._binaries.is_relative_to(open_tmp) and postgres_server._runs_as_system_user(server._binaries)
            import psycopg

            with psycopg.connect(server.url(), autocommit=True) as conn:
                assert conn.execute("SELECT 1").fetchone() == (1,)
        finally:
            server.close()
        # A second server reuses the copy, and so does another checkout's identical install (a CI run clones anew).
        assert postgres_server.reachable_binaries() == server._binaries
        other = private / "other-checkout" / "site-packages"
        shutil.copytree(site, other, symlinks=True)
        monkeypatch.setattr(postgres_server, "POSTGRES_BIN_PATH", other / hidden.relative_to(site))
        assert postgres_server.reachable_binaries() == server._binaries
        assert [p.name for p in open_tmp.iterdir() if p.name.startswith("mocknexus-postgresql-")] == [
            server._binaries.parents[2].name
        ]
    finally:
        shutil.rmtree(private, ignore_errors=True)
        shutil.rmtree(open_tmp, ignore_errors=True)
