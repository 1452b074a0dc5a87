"""The outbox: every webhook event a world raised and every attempt to deliver it, kept in the world's own
store partition (so it survives a restart with --state-file, and every worker process sees the same one).

A delivery is one event bound for one URL. Workers *claim* a due delivery inside a store transaction (a lease
with an owner and an expiry, in wall time), so with several processes on one state file each attempt is made
once; a worker killed mid-send leaves a lease that runs out, and the delivery is tried again (at least once,
as MX delivers). Deliveries for one member and URL go out in order: only the oldest pending one is due.
Retries follow MX's policy on the world's emulated clock (`RETRY_DELAYS`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from mocknexus.domain.core.errors import ErrorKind, MXError, not_found
from mocknexus.domain.core.tables import WEBHOOK_CONFIG, WEBHOOK_DELIVERIES, WEBHOOK_META, WEBHOOK_PENDING
from mocknexus.domain.webhooks import config as webhook_config
from mocknexus.domain.webhooks.events import Event, EventType
from mocknexus.store import Store

CONFIG, DELIVERIES, PENDING, META = WEBHOOK_CONFIG, WEBHOOK_DELIVERIES, WEBHOOK_PENDING, WEBHOOK_META

# MX: "the frequency of request retries diminishes over the course of approximately 24 hours, with no more than
# 12 total retries after an initial request". MX's exact intervals are not published; doubling from 20 s gives
# 12 retries over 22.75 hours (INFERRED).
MAX_RETRIES = 12
RETRY_DELAYS = tuple(timedelta(seconds=20 * 2**n) for n in range(MAX_RETRIES))
KEEP = 2000  # finished deliveries kept per world (the oldest are forgotten first)

PENDING_STATUS, DELIVERED, FAILED, SKIPPED = "pending", "delivered", "failed", "skipped"
STATUSES = (PENDING_STATUS, DELIVERED, FAILED, SKIPPED)


class Outbox:
    """A world's outbox; also the `EventSink` its emulator raises events into."""

    def __init__(
        self,
        store: Store,
        client_id: str | None,
        *,
        fallback: Callable[[], dict[str, Any] | None] = lambda: None,
        on_enqueue: Callable[[], None] = lambda: None,
    ) -> None:
        self.store = store
        self.client_id = client_id
        self._fallback = fallback  # the server-wide configuration, for a world with none of its own
        self._on_enqueue = on_enqueue

    # ---- configuration ---------------------------------------------------------------------------------

    def own_config(self) -> dict[str, Any] | None:
        return self.store.get(CONFIG, "config")

    def config(self) -> dict[str, Any] | None:
        """The configuration in force: the world's own, else the server's."""
        return self.own_config() or self._fallback()

    def configure(self, raw: Any, check: webhook_config.Check = webhook_config.no_check) -> dict[str, Any]:
        parsed = webhook_config.parse(raw, check)
        with self.store.transaction():
            self.store.put(CONFIG, "config", parsed)
        return parsed

    def unconfigure(self) -> None:
        with self.store.transaction():
            self.store.delete(CONFIG, "config")

    # ---- raising ---------------------------------------------------------------------------------------

    def emit(self, event: Event) -> None:
        config = self.config()
        url = webhook_config.target(config, event.type) if config else None
        if url is None:
            return  # nobody subscribed: nothing is recorded (the hot path stays a dict lookup)
        with self.store.transaction():
            self._add(event, url, redelivery_of=None)
        if not event.skip:
            self._on_enqueue()

    def redeliver(self, delivery_id: str, now: datetime) -> dict[str, Any]:
        """Send a recorded event again, as a new delivery to the URL configured now for its type."""
        with self.store.transaction():
            original = self.get(delivery_id)
            config = self.config()
            url = webhook_config.target(config, EventType[original["type"]]) if config else None
            event = Event(
                EventType[original["type"]],
                original["payload"],
                now,
                original["member_guid"],
                original["user_guid"],
                callback_payload=original["callback_payload"],
                fired=original["fired"],
            )
            event_id = original.get("event_id") or original["id"]  # the same event: the same id, sent as a header
            record = self._add(event, url or original["url"], redelivery_of=delivery_id, event_id=event_id)
        self._on_enqueue()
        return record

    def _add(self, event: Event, url: str, redelivery_of: str | None, event_id: str | None = None) -> dict[str, Any]:
        seq = (self.store.get(META, "seq") or 0) + 1
        self.store.put(META, "seq", seq)
        delivery_id = f"WHD-{seq:08d}"
        record = {
            "id": delivery_id,
            "event_id": event_id or delivery_id,
            "seq": seq,
            "client_id": self.client_id,
            "type": event.type.name,
            "member_guid": event.member_guid,
            "user_guid": event.user_guid,
            "url": url,
            "payload": event.payload,
            "callback_payload": event.callback_payload,
            "created_at": event.at.isoformat(),
            "status": SKIPPED if event.skip else PENDING_STATUS,
            "attempts": [],
            "next_attempt_at": None if event.skip else event.at.isoformat(),
            "fired": event.fired,
            "redelivery_of": redelivery_of,
        }
        self.store.put(DELIVERIES, delivery_id, record)
        if not event.skip:
            lane = f"{event.member_guid or event.subject_guid or delivery_id} {url}"
            pending = {"seq": seq, "lane": lane, "due": record["next_attempt_at"], "lease": 0.0, "owner": None}
            self.store.put(PENDING, delivery_id, pending)
        self._forget_oldest(seq)
        return record

    def _forget_oldest(self, seq: int) -> None:
        low = self.store.get(META, "low") or 1
        while self.store.count(DELIVERIES) > KEEP and low < seq:
            key = f"WHD-{low:08d}"
            if self.store.get(PENDING, key) is not None:
                break
            self.store.delete(DELIVERIES, key)
            low += 1
        self.store.put(META, "low", low)

    # ---- delivering ------------------------------------------------------------------------------------

    def has_pending(self) -> bool:
        return self.store.count(PENDING) > 0

    def next_due(self) -> datetime | None:
        """The earliest emulated time a pending delivery is due (leases aside)."""
        dues = [datetime.fromisoformat(p["due"]) for p in self.store.values(PENDING)]
        return min(dues) if dues else None

    def claim_due(self, now: datetime, wall: float, owner: str, lease_seconds: float, limit: int) -> list[dict]:
        """Lease up to `limit` deliveries due by `now` (emulated) to `owner` until `wall + lease_seconds`."""
        claimed: list[dict] = []
        if limit <= 0:
            return claimed
        with self.store.transaction():
            lanes: set[str] = set()
            for key, pending in sorted(self.store.items(PENDING), key=lambda kv: kv[1]["seq"]):
                if pending["lane"] in lanes:
                    continue  # an older delivery for this member and URL is still on its way: keep the order
                lanes.add(pending["lane"])
                if pending["lease"] > wall or datetime.fromisoformat(pending["due"]) > now:
                    continue
                self.store.put(PENDING, key, {**pending, "lease": wall + lease_seconds, "owner": owner})
                claimed.append(self.store.get(DELIVERIES, key))
                if len(claimed) >= limit:
                    break
        return claimed

    def record_attempt(
        self, delivery_id: str, attempt: dict[str, Any], delivered: bool, started: datetime
    ) -> dict | None:
        """An attempt's outcome: delivered, retried later on MX's schedule, or failed after the last retry. The
        retry is scheduled from the emulated time the attempt *started*: a clock moved while it was being sent
        (a test that saw the receiver's 500 and advanced at once) counts toward the wait."""
        with self.store.transaction():
            record = self.store.get(DELIVERIES, delivery_id)
            pending = self.store.get(PENDING, delivery_id)
            if record is None or pending is None:
                return None  # the world was reset (or the delivery forgotten) while it was being sent
            attempts = [*record["attempts"], {**attempt, "number": len(record["attempts"]) + 1}]
            record = {**record, "attempts": attempts}
            retries_done = len(attempts) - 1
            if delivered or retries_done >= MAX_RETRIES:
                record["status"] = DELIVERED if delivered else FAILED
                record["next_attempt_at"] = None
                self.store.delete(PENDING, delivery_id)
            else:
                due = (started + RETRY_DELAYS[retries_done]).isoformat()
                record["next_attempt_at"] = due
                self.store.put(PENDING, delivery_id, {**pending, "due": due, "lease": 0.0, "owner": None})
            attempts[-1]["next_attempt_at"] = record["next_attempt_at"]
            self.store.put(DELIVERIES, delivery_id, record)
            return record

    # ---- reading ---------------------------------------------------------------------------------------

    def get(self, delivery_id: str) -> dict[str, Any]:
        record = self.store.get(DELIVERIES, delivery_id)
        if record is None:
            raise not_found("Webhook delivery")
        return record

    def deliveries(
        self, type: str | None = None, member_guid: str | None = None, status: str | None = None, attempts: int = 0
    ) -> list[dict[str, Any]]:
        """Matching deliveries, oldest first."""
        if type is not None:
            try:
                type = EventType.parse(type).name
            except ValueError as exc:
                raise MXError(ErrorKind.INVALID_PARAMETERS, f"type: {exc}.") from None
        if status is not None and status not in STATUSES:
            raise MXError(ErrorKind.INVALID_PARAMETERS, f"status: must be one of {', '.join(STATUSES)}.")
        found = [
            r
            for r in self.store.values(DELIVERIES)
            if (type is None or r["type"] == type)
            and (member_guid is None or r["member_guid"] == member_guid)
            and (status is None or r["status"] == status)
            and len(r["attempts"]) >= attempts
        ]
        return sorted(found, key=lambda r: r["seq"])
