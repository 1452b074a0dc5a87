"""Every page's examples run as written, top to bottom, twice in a row, against one running server.

The server is `mocknexus serve` as a reader starts it (with `--job-time-scale 0`, so that polls alone move
jobs and no example waits on real time, and `--log-format json`). Its request log is how the test sees what
the examples did: every request they sent answered below 400, except the statuses a page announces
(tests/docs/examples.py says how pages mark their blocks). So a page whose example 404s, or loops, or uses
a variable it never set, or cannot run a second time (an id taken by the first run) fails here.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import uuid

import pytest
import requests

from tests.docs.examples import Page, pages
from tests.platform.test_sdk import sdk_python  # noqa: F401 (a fixture: MX's Python SDK in its own environment)
from tests.support import free_port

pytestmark = [pytest.mark.live, pytest.mark.xdist_group("doc_examples")]

PAGES = [p for p in pages() if p.runnable]


class DocServer:
    """`mocknexus serve` in a child process, its JSON request log read line by line."""

    def __init__(self) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKNEXUS_")}
        argv = [sys.executable, "-m", "mocknexus", "serve", "--port", str(port), "--job-time-scale", "0"]
        self.proc = subprocess.Popen(
            [*argv, "--log-format", "json"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env
        )
        self.lines: list[dict] = []
        self.other: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._wait_for(lambda: any(line.get("path") == "/__admin/health" for line in self.lines), self._health)

    def _health(self) -> None:
        with contextlib.suppress(requests.ConnectionError):
            requests.get(self.url + "/__admin/health", timeout=1)

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for raw in self.proc.stderr:
            try:
                line = json.loads(raw)
            except ValueError:
                line = None
            with self._changed:
                if isinstance(line, dict) and line.get("logger") == "mocknexus.requests":
                    self.lines.append(line)
                else:
                    self.other.append(raw)
                self._changed.notify_all()

    def _wait_for(self, done, poke=lambda: None, timeout: float = 30) -> None:
        for _ in range(int(timeout / 0.1)):
            poke()
            with self._changed:
                if done() or self._changed.wait_for(done, 0.1):
                    return
            assert self.proc.poll() is None, "".join(self.other)
        raise AssertionError(f"the server's log never showed it: {''.join(self.other)[-2000:]}")

    def requests_during(self, run) -> list[dict]:
        """The log lines of the requests `run()` sent (a marker request closes them: lines arrive late)."""
        start = len(self.lines)
        result = run()
        marker = f"/__doc-example-end/{uuid.uuid4().hex}"
        requests.get(self.url + marker, timeout=10)
        self._wait_for(lambda: any(line.get("path") == marker for line in self.lines[start:]))
        with self._changed:
            found = self.lines[start:]
        return result, found[: [line.get("path") for line in found].index(marker)]

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)
        self._reader.join(10)  # it reads to the pipe's end, which the server's exit brings
        assert self.proc.stderr is not None
        self.proc.stderr.close()


@pytest.fixture(scope="module")
def doc_server():
    server = DocServer()
    yield server
    server.close()


def _sdk(page: Page, request: pytest.FixtureRequest) -> str:
    if not any(b.kind == "mx-sdk" for b in page.runnable):
        return ""
    return str(request.getfixturevalue("sdk_python"))  # skips offline, fails under CI (test_sdk.py)


@pytest.mark.parametrize("page", PAGES, ids=[str(p.path.relative_to(p.path.parents[1])) for p in PAGES])
def test_every_example_runs_twice_against_one_server(page: Page, doc_server: DocServer, tmp_path, request):
    env = {**os.environ, "BASE": doc_server.url, "POLL_SECONDS": "0", "DOC_PYTHON": sys.executable}
    # The reader's shell has mocknexus installed: its `mocknexus` command is beside this interpreter.
    env["PATH"] = f"{os.path.dirname(sys.executable)}{os.pathsep}{env.get('PATH', '')}"
    env["MX_SDK_PYTHON"] = _sdk(page, request)
    env.pop("MOCKNEXUS_URL", None)
    for run in (1, 2):
        workdir = tmp_path / f"run{run}"
        workdir.mkdir()
        script = page.script(doc_server.url, workdir)

        def _run(script: str = script, workdir=workdir) -> subprocess.CompletedProcess:
            argv = ["bash", "-euo", "pipefail", "-c", script]
            return subprocess.run(argv, env=env, cwd=workdir, capture_output=True, text=True, timeout=300)

        result, sent = doc_server.requests_during(_run)
        assert result.returncode == 0, (
            f"run {run} of {page.path.name}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
        refused = [f"{r['method']} {r['path']} {r['status']}" for r in sent if r["status"] >= 400]
        assert [r for r in refused if int(r.rsplit(" ", 1)[1]) not in page.answers] == [], f"run {run}"
        assert sent, f"{page.path.name}'s examples sent no request"


def test_every_block_not_run_says_why():
    for page in pages():
        for block in page.blocks:
            if block.lang in ("sh", "python") and "not run" in block.directive:
                assert block.skipped, f"{page.path.name}:{block.line}: say why, as `not run (why)`"
