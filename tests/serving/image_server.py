"""The server exactly as the Docker image starts it: the Dockerfile's CMD and ENV, read from the Dockerfile,
run as a process on a free loopback port (MOCKNEXUS_HOST is 127.0.0.1 here, 0.0.0.0 in the image)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from tests.support import free_port

ROOT = Path(__file__).resolve().parents[2]


def image_command() -> tuple[list[str], dict[str, str]]:
    """The Dockerfile's exec-form CMD and its ENV settings."""
    text = (ROOT / "Dockerfile").read_text()
    cmd = json.loads(re.search(r"^CMD (\[.*\])$", text, re.M).group(1))
    env: dict[str, str] = {}
    for block in re.findall(r"^ENV ((?:.*\\\n)*.*)$", text, re.M):
        env.update(re.findall(r"(\w+)=(\S+)", block.replace("\\\n", " ")))
    return cmd, env


class ImageServer:
    """The image's command as a child process; `output` holds what it printed once stopped."""

    def __init__(self, **env: str) -> None:
        cmd, image_env = image_command()
        assert cmd[0] == "mocknexus", cmd  # the console script; run it with this interpreter
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = tempfile.TemporaryFile("w+")  # noqa: SIM115 (closed in stop()); a file, not a pipe: a chatty server can never block on it
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mocknexus", *cmd[1:]],
            env={**os.environ, **image_env, "MOCKNEXUS_HOST": "127.0.0.1", "MOCKNEXUS_PORT": str(self.port), **env},
            stdout=self._log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.output = ""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self._read_log()
            try:
                if requests.get(self.url + "/__admin/health", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                time.sleep(0.05)
        self.stop()
        raise AssertionError("the image's server did not come up")

    def raw(self, data: bytes, timeout: float = 10) -> bytes:
        """Send bytes on a fresh connection; everything the server answers until it closes (or timeout)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
            with contextlib.suppress(OSError):  # the server may refuse and close before reading everything
                s.sendall(data)
            chunks = []
            try:
                while chunk := s.recv(65536):
                    chunks.append(chunk)
            except (ConnectionResetError, TimeoutError):
                pass
        return b"".join(chunks)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            code = self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait(10)
        self.output = self._read_log()
        self._log.close()
        return code

    def _read_log(self) -> str:
        self._log.seek(0)
        return self._log.read()

    def __enter__(self) -> ImageServer:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
