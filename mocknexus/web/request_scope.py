"""Each request inside one of a shared store's scopes (store/postgres.py), and run again when an optimistic
transaction of it found its world moved.

In its first run a request's transactions lock nothing to read: one that writes checks at its commit that what
it read is still so, under the locks, in the round trip of its COMMIT. When that check fails, nothing of the
request was written (a request whose first write is committed locks as it reads from then on): it is run once
more from the start, locking as it reads, on the same body. A request whose body cannot be kept for that (larger
than the server accepts, or of unknown length) locks as it reads from the start.
"""

from __future__ import annotations

import io
from typing import Any

from mocknexus.store.base import WorldMoved


def in_scope(wsgi_app: Any, scope: Any, max_body: int) -> Any:
    """`wsgi_app` with each request inside one of the store's scopes: a partition's version, once confirmed by
    the database in a request, is not asked for again by that request's reads (store/postgres_cache.py)."""

    def app(environ: dict, start_response: Any) -> Any:
        body = _kept_body(environ, max_body)
        if body is None:
            with scope():
                return wsgi_app(environ, start_response)
        given = dict(environ)  # as the server gave it: the run again resolves its caller, user and session anew
        try:
            with scope(optimistic=True):
                return wsgi_app(environ, start_response)
        except WorldMoved:
            again = {**given, "wsgi.input": io.BytesIO(body)}
            with scope():
                return wsgi_app(again, start_response)

    return app


def _kept_body(environ: dict, max_body: int) -> bytes | None:
    """The request's body, read now and put back as a stream to read again; None if it cannot be kept."""
    length = environ.get("CONTENT_LENGTH") or ""
    if not length:
        return None if environ.get("HTTP_TRANSFER_ENCODING") else b""
    try:
        size = int(length)
    except ValueError:
        return None
    if size <= 0:
        return b""
    if size > max_body:
        return None
    body = environ["wsgi.input"].read(size)
    environ["wsgi.input"] = io.BytesIO(body)
    return body
