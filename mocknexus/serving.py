"""The production server behind `mocknexus serve` and the Docker image: waitress, chosen by measurement
(bench/scenarios.py; figures in README's "Serving" section).

Why waitress: its asyncore front reads every request whole (headers and body) before a worker thread sees
it, so clients that trickle bytes hold no thread; it prints no development-server warning; and its
refusals (too large a header, bad framing) go through one overridable task, which here answers in MX's
JSON error shape like every other error.
"""

from __future__ import annotations

import logging
import signal
from typing import Any

from flask import Flask
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server
from waitress.task import ErrorTask, WSGITask

from mocknexus.config import Config
from mocknexus.domain.errors import ErrorKind, MXError
from mocknexus.web.errors import error_envelope
from mocknexus.web.http import dumps

# Our choices where the server needs a number (README, "Serving"):
# - connections held at once: well above the 100 slow clients and 300 concurrent flows we test with;
#   past it waitress stops accepting until some close (the kernel backlog queues them meanwhile).
CONNECTION_LIMIT = 1000
# - a request line plus headers larger than this is a 431 (MX documents no limit; 64 KiB is generous).
MAX_HEADER_BYTES = 65536
# - seconds a connection may stay silent before it is closed.
CHANNEL_TIMEOUT = 60
# Server-level refusals carry the Nexus media type, as unrouted paths do (web.http.media_type).
ERROR_MEDIA_TYPE = "application/vnd.mx.nexus.v1+json"

log = logging.getLogger("mocknexus.serving")


def error_body(status: int, detail: str = "") -> bytes:
    """The MX error body for a refusal the server makes before the app sees the request."""
    kind = ErrorKind.for_http_status(status)
    message = f"{kind.default_message} {detail[:200]}".strip() if detail else kind.default_message
    return dumps(error_envelope(MXError(kind, message))).encode()  # the one error body (web/errors.py)


class MXErrorTask(ErrorTask):
    """waitress's refusals (400 bad framing, 413, 431, 501) in MX's error shape instead of text/plain."""

    def execute(self) -> None:
        error = self.request.error
        body = error_body(error.code, f"({error.body}).")
        self.status = f"{error.code} {error.reason}"
        self.response_headers.append(("Content-Type", ERROR_MEDIA_TYPE))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class MXTask(WSGITask):
    """The WSGI task, with the client's socket in the environ so that an injected `drop` fault can cut the
    connection (web/hooks.py), as it can under werkzeug and gunicorn."""

    def get_environment(self) -> dict:
        environ = super().get_environment()
        environ["mocknexus.socket"] = self.channel.socket
        return environ


class MXChannel(HTTPChannel):
    task_class = MXTask
    error_task_class = MXErrorTask


def make_server(app: Flask, config: Config, **overrides: Any) -> BaseWSGIServer | MultiSocketServer:
    """A waitress server bound to config.host:config.port (port 0: a free one), not yet running."""
    settings: dict[str, Any] = {
        "host": config.host,
        "port": config.port,
        "threads": config.threads,
        "connection_limit": CONNECTION_LIMIT,
        "channel_timeout": CHANNEL_TIMEOUT,
        "max_request_header_size": MAX_HEADER_BYTES,
        # Larger bodies are refused before they are buffered, with the 413 the app would give.
        "max_request_body_size": config.max_body_bytes,
        # poll(2), not select(2): no FD_SETSIZE ceiling of 1024 descriptors.
        "asyncore_use_poll": True,
        "ident": "mocknexus",
        "expose_tracebacks": False,
        **overrides,
    }
    server = create_server(app, **settings)
    for each in _servers(server):
        each.channel_class = MXChannel
    return server


def _servers(server: Any) -> list[Any]:
    # One listening address gives one server; several (host names resolving to v4 and v6) give a
    # MultiSocketServer whose `map` holds one server per socket.
    if isinstance(server, MultiSocketServer):
        return [s for s in server.map.values() if isinstance(s, BaseWSGIServer)]
    return [server]


def serve(app: Flask, config: Config) -> None:
    """Run until SIGINT or SIGTERM (as PID 1 in a container, SIGTERM would otherwise be ignored)."""
    logging.basicConfig(level=config.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # "Task queue depth is N": every burst of more than `threads` requests at once (a load test) is normal
    # for an emulator; keep the log for what is not.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    server = make_server(app, config)

    def _stop(signum: int, frame: Any) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _stop)
    print(f"mocknexus listening on http://{config.host}:{_port(server)}", flush=True)
    try:
        server.run()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.close()


def _port(server: Any) -> int:
    return getattr(server, "effective_port", None) or _servers(server)[0].effective_port
