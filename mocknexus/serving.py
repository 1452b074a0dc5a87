"""The production server behind `mocknexus serve` and the Docker image: waitress, chosen by measurement
(bench/scenarios.py; figures in README's "Serving" section).

Why waitress: its asyncore front reads every request whole (headers and body) before a worker thread sees
it, so clients that trickle bytes hold no thread; it prints no development-server warning; and its
refusals (too large a header, bad framing) go through one overridable task, which here answers in MX's
JSON error shape like every other error.
"""

from __future__ import annotations

import logging
import resource
import signal
from typing import Any

from flask import Flask
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server
from waitress.task import ErrorTask, WSGITask

from mocknexus import request_log
from mocknexus.config import Config
from mocknexus.domain.core.errors import ErrorKind, MXError
from mocknexus.parking import PARKING_KEY, Park, Parking, ParkingLot
from mocknexus.request_reading import DeadlineChannel
from mocknexus.web.browser_headers import NOSNIFF
from mocknexus.web.errors import error_envelope
from mocknexus.web.http import dumps

# Our choices where the server needs a number (README, "Serving"):
# - connections held at once: well above the 1 000 slow clients and 300 concurrent flows we test with,
#   and below the process's file-descriptor limit (raised to its hard limit at start). Near it, the
#   connections that have been reading a request the longest are closed to make room (slow clients,
#   not the requests being served), so that new clients are always accepted.
CONNECTION_LIMIT = 10_000
FD_MARGIN = 64  # descriptors kept for the state file, fixtures, logs
# - seconds between two sweeps for late requests (see request_reading.py).
SWEEP_INTERVAL = 1
# - a request line plus headers larger than this is a 431 (MX documents no limit; 64 KiB is generous).
MAX_HEADER_BYTES = 65536
# - seconds a connection may stay silent before it is closed.
CHANNEL_TIMEOUT = 60
# Server-level refusals carry the Nexus media type, as unrouted paths do (web.http.media_type).
ERROR_MEDIA_TYPE = "application/vnd.mx.nexus.v1+json"

log = logging.getLogger("mocknexus.serving")


def error_body(status: int, detail: str = "", headline: str | None = None) -> bytes:
    """The MX error body for a refusal the server makes before the app sees the request."""
    kind = ErrorKind.for_http_status(status)
    headline = headline or kind.default_message
    message = f"{headline} {detail[:200]}".strip() if detail else headline
    return dumps(error_envelope(MXError(kind, message))).encode()  # the one error body (web/errors.py)


# Server-level refusals whose general message would mislead (408 elsewhere is a control-plane wait).
SERVER_MESSAGES = {408: "The request did not arrive in time."}


class MXErrorTask(ErrorTask):
    """waitress's refusals (400 bad framing, 408 and 400 for late requests, 413, 431, 501, 505) in MX's
    error shape instead of text/plain."""

    def execute(self) -> None:
        error = self.request.error
        body = error_body(error.code, f"({error.body}).", SERVER_MESSAGES.get(error.code))
        self.status = f"{error.code} {error.reason}"
        self.response_headers.append(("Content-Type", ERROR_MEDIA_TYPE))
        self.response_headers.append(NOSNIFF)
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class MXTask(WSGITask):
    """The WSGI task, with the client's socket in the environ so that an injected `drop` fault can cut the
    connection (web/hooks.py), as it can under werkzeug and gunicorn; and the request's Parking, so that
    the app can hand a waiting request back instead of sleeping on this thread (parking.py)."""

    def get_environment(self) -> dict:
        environ = super().get_environment()
        environ["mocknexus.socket"] = self.channel.socket
        request = self.request
        parking = getattr(request, "mocknexus_parking", None)
        if parking is None:
            parking = request.mocknexus_parking = Parking()
        elif request.body_rcv is not None:
            environ["wsgi.input"].seek(0)  # run again: the body from its start
        parking.runs += 1
        environ[PARKING_KEY] = parking
        return environ


class MXChannel(DeadlineChannel):
    task_class = MXTask
    error_task_class = MXErrorTask

    def writable(self) -> bool:
        """waitress's rule, except while a worker thread holds the out-buffer lock: that worker is sending this
        very data and wakes the event loop for whatever it leaves (`pull_trigger`). Reported writable meanwhile,
        the loop spun (poll answers at once, the flush cannot take the lock), holding the GIL the worker needs:
        with a hundred keep-alive clients each request cost milliseconds of CPU (bench/flows.py)."""
        if self.will_close or self.close_when_flushed:
            return True
        if not self.total_outbufs_len:
            return False
        if not self.requests:  # no task running: the loop flushes without the lock
            return True
        if self.outbuf_lock.acquire(False):
            self.outbuf_lock.release()
            return True
        return False

    def service(self) -> None:
        """Serve the request at the head of the queue; one the app parks stays there, unanswered, until the
        parking lot hands the channel back to a worker (the connection reads nothing more meanwhile)."""
        try:
            super().service()
        except Park as park:
            self.server.parking_lot.park(self, park)


def make_server(app: Flask, config: Config, **overrides: Any) -> BaseWSGIServer | MultiSocketServer:
    """A waitress server bound to config.host:config.port (port 0: a free one), not yet running."""
    settings: dict[str, Any] = {
        "host": config.host,
        "port": config.port,
        "threads": config.threads,
        "connection_limit": connection_limit(),
        "channel_timeout": CHANNEL_TIMEOUT,
        "cleanup_interval": SWEEP_INTERVAL,
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
    lot = ParkingLot(resume=lambda channel: channel.server.add_task(channel))
    for each in _servers(server):
        each.channel_class = MXChannel
        each.parking_lot = lot
        _sweep_late_requests(each, config.read_timeout)
    return server


def connection_limit() -> int:
    """CONNECTION_LIMIT, or less if the process cannot open that many descriptors even at its hard limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = CONNECTION_LIMIT + FD_MARGIN
    if soft != resource.RLIM_INFINITY and soft < wanted:
        raised = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            soft = raised
        except (ValueError, OSError):
            pass
    return CONNECTION_LIMIT if soft == resource.RLIM_INFINITY else max(16, min(CONNECTION_LIMIT, soft - FD_MARGIN))


def _sweep_late_requests(server: BaseWSGIServer, read_timeout: float) -> None:
    """Extend waitress's periodic maintenance (idle connections) with the read deadline and, near the
    connection limit, room made by closing the connections that have been reading the longest."""
    idle_sweep = server.maintenance

    def maintenance(now: float) -> None:
        idle_sweep(now)
        channels = [c for c in list(server.active_channels.values()) if isinstance(c, DeadlineChannel)]
        for channel in channels:
            channel.enforce_deadline(now, read_timeout)
        excess = len(server._map) - int(server.adj.connection_limit * 0.9)
        if excess > 0:
            reading = sorted((c for c in channels if c.reading_since() is not None), key=DeadlineChannel.reading_since)
            for channel in reading[:excess]:
                channel.will_close = True

    server.maintenance = maintenance


def _servers(server: Any) -> list[Any]:
    # One listening address gives one server; several (host names resolving to v4 and v6) give a
    # MultiSocketServer whose `map` holds one server per socket.
    if isinstance(server, MultiSocketServer):
        return [s for s in server.map.values() if isinstance(s, BaseWSGIServer)]
    return [server]


def serve(app: Flask, config: Config) -> None:
    """Run until SIGINT or SIGTERM (as PID 1 in a container, SIGTERM would otherwise be ignored)."""
    request_log.configure(config.log_level, config.log_format)  # INFO: one line per request (request_log.py)
    # "Task queue depth is N": every burst of more than `threads` requests at once (a load test) is normal
    # for an emulator; keep the log for what is not.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    server = make_server(app, config)
    hooks = app.extensions.get("mocknexus.webhooks")
    if hooks is not None:  # webhooks never go to this server itself (control/webhooks/targets.py)
        hooks.targets.serving_on(_port(server))

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
