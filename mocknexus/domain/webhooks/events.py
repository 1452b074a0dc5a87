"""MX's webhook events as the emulated MX raises them: their types, the event record, the sink the domain
hands them to, and the per-call options (MX-Skip-Webhook, X-CALLBACK-PAYLOAD) the web layer binds.

The domain only *raises* events (through `EventSink`); recording and sending them is someone else's concern
(`outbox` records them in the world's store, the control plane's dispatcher sends them), so nothing here
knows about HTTP.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Protocol

from mocknexus.domain.core.statuses import ConnectionStatus


class EventType(Enum):
    """The webhooks MX documents that this emulator can raise (docs.mx.com/resources/webhooks/...)."""

    CONNECTION_STATUS = "CONNECTION_STATUS"
    MEMBER = "MEMBER"
    AGGREGATION = "AGGREGATION"
    VERIFICATION = "VERIFICATION"
    # MX lists no separate identification webhook page; an identification's result is raised the way MX raises
    # every "member data updated" job result (AGGREGATION, BALANCE, HISTORY, STATEMENT): type = the job's (INFERRED).
    IDENTIFICATION = "IDENTIFICATION"
    # "Member data updated" results of the data plane's jobs: check_balance, extend_history, fetch_statements.
    BALANCE = "BALANCE"
    HISTORY = "HISTORY"
    STATEMENT = "STATEMENT"
    JOB_STATUS = "JOB_STATUS"  # the Nexus-era job webhook
    MICRODEPOSITS = "MICRODEPOSITS"  # a micro-deposit created or changed status (no member behind it)

    @classmethod
    def parse(cls, name: str) -> EventType:
        try:
            return cls[name.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown webhook type {name!r} (one of {', '.join(cls.names())})") from None

    @classmethod
    def names(cls) -> list[str]:
        return [t.name for t in cls]


# MX: the Connection Status webhook fires when `connection_status` *enters* one of these (actionable) states.
CONNECTION_STATUS_TRIGGERS = frozenset(
    ConnectionStatus[name]
    for name in ("CHALLENGED", "DENIED", "EXPIRED", "IMPAIRED", "IMPEDED", "LOCKED", "PREVENTED", "REJECTED")
)


@dataclass(frozen=True)
class Event:
    """One webhook the emulated MX raised: what the partner's receiver will be sent (once per subscribed URL)."""

    type: EventType
    payload: dict[str, Any]
    at: datetime  # by the world's emulated clock
    member_guid: str | None = None
    user_guid: str | None = None
    skip: bool = False  # raised by a call with MX-Skip-Webhook: recorded, never sent
    callback_payload: str | None = None  # the X-CALLBACK-PAYLOAD of the call that caused it, echoed as a header
    fired: bool = False  # raised on demand by the control plane, not by a state change
    subject_guid: str | None = None  # what orders deliveries when no member does (a micro-deposit's guid)


class EventSink(Protocol):
    def emit(self, event: Event) -> None:
        """Called inside the domain's transaction, so an event is recorded with the change that raised it."""


class _NoEvents:
    def emit(self, event: Event) -> None:
        return None


NO_EVENTS: EventSink = _NoEvents()


@dataclass(frozen=True)
class CallOptions:
    """What the partner's call said about webhooks: MX-Skip-Webhook (or `skip_webhook`) and X-CALLBACK-PAYLOAD."""

    skip: bool = False
    callback_payload: str | None = None


_NO_OPTIONS = CallOptions()
_current: ContextVar[CallOptions] = ContextVar("mocknexus_webhook_options", default=_NO_OPTIONS)


def current_options() -> CallOptions:
    return _current.get()


def bind_options(options: CallOptions) -> Token:
    return _current.set(options)


def unbind_options(token: Token) -> None:
    _current.reset(token)
