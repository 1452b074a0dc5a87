"""The control plane's clocks: the server's, which every client's runs over, and each client's own."""

from __future__ import annotations

from flask import Response

from mocknexus.apis.admin.blueprint import route, scope
from mocknexus.apis.admin.schemas import admin as s
from mocknexus.domain.core.clock import Clock
from mocknexus.domain.core.errors import ErrorKind, MXError
from mocknexus.web.http import read_body, render
from mocknexus.web.openapi import doc

clock_response = s.ClockResponse()
advance_request = s.AdvanceRequest()
freeze_request = s.FreezeRequest()


def _clock(clock: Clock) -> Response:
    return render(clock_response, {"now": clock.now(), "frozen": clock.is_frozen})


@route("/clock", ["GET"])
@doc("The emulator's clock", response=clock_response)
def read_clock(client_id: str | None = None) -> Response:
    return _clock(scope(client_id).clock)


@route("/clock/advance", ["POST"])
@doc("Move the clock forward", response=clock_response, body=advance_request)
def advance_clock(client_id: str | None = None) -> Response:
    seconds = read_body(advance_request)["seconds"]
    clock = scope(client_id, create=True).clock
    try:
        clock.advance(seconds)
        return _clock(clock)
    except OverflowError:
        raise MXError(ErrorKind.BAD_REQUEST, "That would move the clock past the year 9999.") from None


@route("/clock/freeze", ["POST"])
@doc("Stop the clock (at an instant)", response=clock_response, body=freeze_request, body_required=False)
def freeze_clock(client_id: str | None = None) -> Response:
    at = read_body(freeze_request, required=False)["at"]
    clock = scope(client_id, create=True).clock
    clock.freeze(at)
    return _clock(clock)


@route("/clock/unfreeze", ["POST"])
@doc("Let the clock run again", response=clock_response)
def unfreeze_clock(client_id: str | None = None) -> Response:
    clock = scope(client_id).clock
    clock.unfreeze()
    return _clock(clock)
