"""Micro-deposits move by the clock alone: the background-work ticker (see `control.background`).

MX moves a micro-deposit on its own schedule (REQUESTED -> DEPOSITED "after two minutes"); a read only
forces the update. Run as a ticker, each world's micro-deposits reach the status its clock says with no
request, so the domain's event hook (and the webhooks behind it) reports DEPOSITED when it happens.
"""

from __future__ import annotations

from datetime import datetime

from mocknexus.control.worlds import World


def micro_deposit_ticker(world: World) -> datetime | None:
    """Move the world's micro-deposits to its clock; the next instant one is due (None: none is)."""
    result = world.emulator.advance_micro_deposits()
    if result.moved:
        world.notify()  # wakes waits on this world
    return result.next_due
