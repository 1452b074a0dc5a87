"""Which request the domain is working for: the web layer binds it around each request, and the domain
reads it when it records a member's status change (so a timeline entry names the request that caused it).

A context variable keeps the domain free of Flask: each request (thread) sees only its own binding, and
code run outside a request (start-up, tests calling the domain directly) sees None.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from typing import NamedTuple


class RequestRef(NamedTuple):  # a tuple: made on every call, where a frozen dataclass's __init__ costs ~1 us
    id: int | None  # the request journal's entry id; None for calls the journal does not keep (/__admin/)
    method: str
    path: str

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}".rstrip()


# What a change made with no request names: the emulated clock moving (`control.background`).
CLOCK = RequestRef(None, "CLOCK", "")


_current: ContextVar[RequestRef | None] = ContextVar("mocknexus_request", default=None)


def current() -> RequestRef | None:
    return _current.get()


def bind(ref: RequestRef) -> Token:
    return _current.set(ref)


def unbind(token: Token) -> None:
    _current.reset(token)
