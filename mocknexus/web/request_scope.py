"""Each request inside one of a shared store's scopes (store/postgres.py), and run again when an optimistic
transaction of it found its world moved.

In its first run a request's transactions lock nothing to read: one that writes checks at its commit that what
it read is still so, under the locks, in the round trip of its COMMIT. Its reads may even answer from a
replica's copy of a world before the database has confirmed it in this request (store/postgres_cache.Unsure):
the first commit checks those too, and a request that wrote nothing has them checked before its answer is
passed on (`confirm_before_answer`, before the journal records the call; and once more as its scope ends, the
answer held until then). When a check fails, nothing of the request was written (a request whose first write is
committed locks as it reads from then on) and nothing of its answer was sent: it is run again from the start,
on the same body: confirming its reads without locks if what it read unconfirmed was stale (StaleCopy), else (or
if that run too finds its world moved) locking as it reads. A request whose body cannot be kept for that (larger
than the server accepts, or of unknown length) locks as it reads from the start.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from flask import Flask, Response

from mocknexus.domain.core.errors import ErrorKind, MXError
from mocknexus.store.base import StaleCopy, StoreUnavailable, WorldMoved
from mocknexus.web.errors import render_error
from mocknexus.web.http import RUNS_KEY

MAX_READERS = 10_000  # (method, path)s remembered as writing nothing last time: a bound on memory


def in_scope(wsgi_app: Any, scope: Any, max_body: int) -> Any:
    """`wsgi_app` with each request inside one of the store's scopes: a partition's version, once confirmed by
    the database in a request, is not asked for again by that request's reads (store/postgres_cache.py).

    A request whose method and path wrote nothing last time confirms its reads as it makes them: a read confirmed
    costs its round trip (its first), one answered from a copy a round trip to check it, and more of this
    process's CPU and the database's. One that wrote (a poll that moves a job), or is new, answers from trusted
    copies, its commit confirming them in the round trip it costs anyway; and so does one whose reads, confirmed
    as made, last cost two round trips or more (a token's owner, then the session in the owner's world, each
    new to this replica): one check is then fewer."""
    # (method, path)s that wrote nothing last time: whether they answer from trusted copies all the same
    readers: dict[tuple[str, str], bool] = {}

    def app(environ: dict, start_response: Any) -> Any:
        body = _kept_body(environ, max_body)
        if body is None:
            with scope():
                return wsgi_app(environ, start_response)
        environ[RUNS_KEY] = {}  # shared by its runs (the fault its first run took: web/hooks.py)
        given = dict(environ)  # as the server gave it: a run again resolves its caller, user and session anew
        asked = (environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", ""))
        run, trusting = environ, readers.get(asked, True)
        while True:
            held, answer = _Held(), None
            try:
                entered = scope(optimistic=True, trusting=trusting)
                with entered:
                    answer = wsgi_app(run, held.start_response)
                if getattr(entered, "wrote", True):
                    readers.pop(asked, None)
                elif not trusting or asked not in readers:
                    if len(readers) >= MAX_READERS:
                        readers.clear()
                    readers[asked] = not trusting and getattr(entered, "trips", 0) > 1
                return held.pass_on(start_response, answer)
            except StaleCopy:  # what it read unconfirmed was stale: once more, confirming as it reads
                again = trusting
            except WorldMoved:
                again = False
            if answer is not None and hasattr(answer, "close"):
                answer.close()  # found stale as its scope ended: never passed on
            run = {**given, "wsgi.input": io.BytesIO(body)}
            if not again:
                with scope():
                    return wsgi_app(run, start_response)
            trusting = False

    return app


def confirm_before_answer(app: Flask, confirm: Callable[[], None]) -> None:
    """After the hooks registered so far (Flask runs the later ones first): what the request read unconfirmed is
    checked (WorldMoved if stale: `in_scope` runs it again) before the journal records the call."""

    def confirmed(response: Response) -> Response:
        try:
            confirm()
        except StoreUnavailable:  # the database went away: MX's 503, the call may be sent again
            return render_error(MXError(ErrorKind.SERVICE_UNAVAILABLE))
        return response

    app.after_request(confirmed)


class _Held:
    """A first run's start_response, held until its scope has ended without WorldMoved (a run again starts its
    response anew); an app that starts its response only as its body is read goes straight through."""

    __slots__ = ("args", "chunks", "through")

    def __init__(self) -> None:
        self.args: tuple | None = None
        self.chunks: list[bytes] = []
        self.through: Any = None

    def start_response(self, *args: Any) -> Any:
        if self.through is not None:
            return self.through(*args)
        self.args = args
        return self.chunks.append  # `write`, kept until passed on

    def pass_on(self, start_response: Any, answer: Any) -> Any:
        if self.args is None:
            self.through = start_response
            return answer
        write = start_response(*self.args)
        for chunk in self.chunks:
            write(chunk)
        return answer


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
