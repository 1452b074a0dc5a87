"""The request log: one line per request (method, path, status, milliseconds, client id, request id).

It wraps the WSGI app, so it sees every request whatever answers it: the APIs, the control plane, a 404, an
unhandled error. It logs to the `mocknexus.requests` logger at INFO, so `mocknexus serve` (INFO by default)
prints it and `--log-level WARNING` silences it. Inside another process (the pytest plugin's server) it is
off until that process sets the logger's level to INFO. `--log-format json` makes every log line one JSON
object (`JsonFormatter`).

Secrets are never logged: no header (tokens, API keys, Basic auth, the admin token), no query string, no
body (passwords, MFA answers), and a path's one-time tokens (the Connect widget's `/md/connect/<token>`, an
OAuth window's `/oauth/predirect_to/<member>/<token>`: any URL variable named like a token) are masked.
"""

from __future__ import annotations

import atexit
import collections
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask.logging import default_handler
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map

from mocknexus.parking import PARKING_KEY, Park

LOGGER = logging.getLogger("mocknexus.requests")
# Off inside another process (an app the pytest plugin or a test builds: a line per call there is noise, and
# a log capture would keep every one): `mocknexus serve` turns it on (`configure`), as may any host app with
# logging.getLogger("mocknexus.requests").setLevel(logging.INFO).
LOGGER.setLevel(logging.WARNING)
MASK = "****"
# What the app leaves in the WSGI environ: the world a call acted in and its journal id (web/http.py).
_WORLD_KEY, _REQUEST_ID_KEY = "mocknexus.world", "mocknexus.request_id"
LOG_FORMATS = ("text", "json")
_ADMIN_CLIENTS = "/__admin/clients/"
# Attributes every LogRecord has: what a JSON line leaves out unless the message names them (`extra`).
_RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class RequestLog:
    """WSGI middleware logging each request once its app has answered (before the body is sent)."""

    def __init__(self, app: Callable[..., Iterable[bytes]], url_map: Map | None = None) -> None:
        self.app = app
        self.secret_paths = SecretPaths(url_map)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if not LOGGER.isEnabledFor(logging.INFO):  # one cached lookup when the log is off
            return self.app(environ, start_response)
        started = time.perf_counter()
        parked = environ.get(PARKING_KEY)
        if parked is not None:  # a parked request runs again (parking.py): its time counts from the first run
            started = parked.state.setdefault("log_started", started)
        status = "500"  # what an exception escaping the app becomes at the server

        def _start(status_line: str, headers: list, exc_info: Any = None) -> Callable:
            nonlocal status
            status = status_line[:3]
            return start_response(status_line, headers, exc_info)

        try:
            answer = self.app(environ, _start)
        except Park:
            raise  # not answered yet: logged when it runs again
        except BaseException:
            _log(environ, "500", (time.perf_counter() - started) * 1000, self.secret_paths)
            raise
        _log(environ, status, (time.perf_counter() - started) * 1000, self.secret_paths)
        return answer


def _log(environ: dict, status: str, ms: float, secret_paths: SecretPaths) -> None:
    """Hand the line to the writer: the request's thread only reads the environ and appends a tuple."""
    world = environ.get(_WORLD_KEY)
    WRITER.put(
        (
            time.time(),
            environ.get("REQUEST_METHOD", "-"),
            environ.get("PATH_INFO", ""),
            status,
            ms,
            getattr(world, "client_id", None),
            environ.get(_REQUEST_ID_KEY),
            secret_paths,
        )
    )


def _emit(created: float, method: str, path: str, status: str, ms: float, client_id: str | None,
          request_id: int | None, secret_paths: SecretPaths) -> None:  # fmt: skip
    path = secret_paths.mask(path)
    if client_id is None and path.startswith(_ADMIN_CLIENTS):
        client_id = path[len(_ADMIN_CLIENTS) :].partition("/")[0] or None
    record = LOGGER.makeRecord(
        LOGGER.name,
        logging.INFO,
        __file__,
        0,
        "%s %s %s %.1f ms client=%s request=%s",
        (method, path, status, ms, client_id or "-", request_id if request_id is not None else "-"),
        None,
        extra={
            "method": method,
            "path": path,
            "status": int(status) if status.isdigit() else 0,
            "ms": round(ms, 2),
            "client_id": client_id,
            "request_id": request_id,
        },
    )
    record.created, record.msecs = created, (created % 1) * 1000  # when the request ended, not when written
    LOGGER.handle(record)


class _Writer:
    """Formats and writes the lines on its own thread, a batch every 50 ms: a request pays one append
    (bench/hotpath.py's `mocknexus_read_logged`). `flush()` writes what is pending now (tests, exit)."""

    INTERVAL = 0.05

    def __init__(self) -> None:
        self.pending: collections.deque[tuple] = collections.deque()
        self._lock = threading.Lock()  # one drain at a time keeps the lines in order
        self._thread: threading.Thread | None = None

    def put(self, line: tuple) -> None:
        self.pending.append(line)
        if self._thread is None:
            self._start()

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="mocknexus-request-log", daemon=True)
                self._thread.start()
                atexit.register(self.flush)

    def _run(self) -> None:
        while True:
            time.sleep(self.INTERVAL)
            self.flush()

    def flush(self) -> None:
        with self._lock:
            pending = self.pending
            while pending:
                try:
                    _emit(*pending.popleft())
                except Exception:  # a handler's failure must not stop the log (logging reports its own)
                    continue


WRITER = _Writer()


def flush() -> None:
    """Write every request line still pending (they are written every 50 ms anyway)."""
    WRITER.flush()


class SecretPaths:
    """The routes whose URL carries a secret (a variable named like a token), and how to mask it in a path."""

    def __init__(self, url_map: Map | None) -> None:
        rules = [r for r in (url_map.iter_rules() if url_map else ()) if any("token" in a for a in r.arguments)]
        self._prefixes = tuple({r.rule.partition("<")[0] for r in rules})
        self._adapter = url_map.bind("localhost") if rules and url_map else None

    def mask(self, path: str) -> str:
        if not self._prefixes or not path.startswith(self._prefixes):
            return path  # the common case: one startswith
        try:
            _rule, args = self._adapter.match(path, "GET", return_rule=True)  # type: ignore[union-attr]
        except HTTPException:
            return path
        secrets = {str(v) for k, v in args.items() if "token" in k and v}
        return "/".join(MASK if part in secrets else part for part in path.split("/"))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and a request line's own fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update((k, v) for k, v in vars(record).items() if k not in _RECORD_ATTRIBUTES)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z"


def configure(level: str, log_format: str) -> None:
    """The server's logging: `level` for every logger, each line as text or JSON (stderr)."""
    handler = logging.StreamHandler()
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    LOGGER.setLevel(logging.NOTSET)  # the server's level decides: INFO logs every request, WARNING none
    # Flask gave the app's logger ("mocknexus") its own handler, the root's not being set yet: every
    # mocknexus.* line would be written twice.
    logging.getLogger("mocknexus").removeHandler(default_handler)
