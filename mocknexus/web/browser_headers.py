"""Headers every answer carries because a browser may read it: `X-Content-Type-Options: nosniff`, so that no
answer (a JSON error echoing a caller's input, a journal entry, a webhook payload) is ever sniffed into HTML
or script. A WSGI wrapper, so that nothing the app answers escapes it (errors, faults, unrouted paths)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

NOSNIFF = ("X-Content-Type-Options", "nosniff")

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


def with_browser_headers(app: WSGIApp) -> WSGIApp:
    def wrapped(environ: dict, start_response: Callable) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers.append(NOSNIFF)
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        return app(environ, start)

    return wrapped
