"""People told when work waits for them: a consumer group of the event log turns events into
notifications and queues one delivery per channel (``DeliveryStore``); a delivery loop sends
what is due, retrying with backoff, dead-lettering after the last try.

At least once, and once per key: a restart or a second replica consuming the same events
queues nothing new, and each queued delivery is sent by one replica.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, Protocol

from events import Envelope, EventBus, consuming
from events.lease import new_owner_id
from orchestrator.policy import Policy
from servers.notify.deliveries import DeliveryStore
from servers.notify.notices import FAMILIES, Notice, notice_for
from servers.notify.settings import NotifySettings

logger = logging.getLogger(__name__)
GROUP = "notifications"

SubjectLookup = Callable[[str, dict[str, str]], Awaitable[str | None]]
"""(tenant, ids) -> the ticket's or request's subject, where it can be found."""
Outcome = Callable[[str, str], None]
"""(channel, 'sent' | 'failed' | 'dead') — for metrics."""


class Channel(Protocol):
    name: str

    def render(self, notice: Notice, recipients: list[str]) -> dict[str, Any] | None: ...

    async def send(self, payload: dict[str, Any], key: str) -> None: ...


class Notifier:
    def __init__(self, store: DeliveryStore, channels: list[Channel], policy: Policy,
                 settings: NotifySettings, *, subjects: SubjectLookup | None = None,
                 on_outcome: Outcome | None = None) -> None:
        self.store, self.channels, self.policy = store, {c.name: c for c in channels}, policy
        self.settings, self.subjects, self.on_outcome = settings, subjects, on_outcome
        self.owner = new_owner_id()
        self._stopping = asyncio.Event()

    async def handle(self, event: Envelope) -> None:
        """The consumer's handler: queue the event's notification on every channel."""
        rules = self.policy.notices_for(event.tenant)
        notice = notice_for(event, str(self.settings.link_base or "") or None)
        if notice is None or notice.type not in rules.types:
            return
        if "subject" in rules.include and self.subjects is not None:
            notice.subject = await self.subjects(event.tenant, notice.ids)
        if notice.group is None and notice.type.startswith(("approval.", "request.")):
            notice.group = self.policy.escalation_group(event.tenant)
        for channel in self.channels.values():
            payload = channel.render(notice, self._recipients(notice))
            if payload is not None:
                await self.store.enqueue(f"{event.id}:{channel.name}", event.tenant,
                                         notice.type, channel.name, payload)

    def _recipients(self, notice: Notice) -> list[str]:
        rules = self.policy.notices_for(notice.tenant)
        wanted = list(rules.recipients.get(notice.type, []))  # type: ignore[call-overload]
        if rules.notify_group and notice.group:
            wanted += [m for m in self.policy.members(notice.tenant, notice.group) if "@" in m]
        return list(dict.fromkeys(wanted))

    async def deliver_due(self) -> int:
        """Send every delivery due now that this replica could take; how many went out."""
        sent = 0
        for row in await self.store.claim_due(self.owner):
            channel = self.channels.get(row["channel"])
            if channel is None:
                continue  # a channel since switched off: it stays queued
            try:
                await channel.send(row["payload"], row["key"])
            except Exception as error:  # the receiver's failure is data: retried, then parked
                await self._failed(row, error)
                continue
            await self.store.sent(row["key"], self.owner)
            self._count(row["channel"], "sent")
            sent += 1
        return sent

    async def _failed(self, row: dict[str, Any], error: Exception) -> None:
        attempts = row["attempts"] + 1
        delay = min(self.settings.backoff_seconds * 2 ** (attempts - 1),
                    self.settings.backoff_max_seconds)
        kind = _error_kind(error)
        dead = await self.store.failed(row["key"], self.owner, kind, attempts,
                                       self.settings.max_attempts, timedelta(seconds=delay))
        if dead:
            logger.error("notification %s (%s) dead after %d tries: %s", row["key"],
                         row["type"], attempts, kind)
        else:
            logger.warning("notification %s (%s) failed (try %d): %s; again in %.0fs",
                           row["key"], row["type"], attempts, kind, delay)
        self._count(row["channel"], "dead" if dead else "failed")

    def _count(self, channel: str, outcome: str) -> None:
        if self.on_outcome is not None:
            self.on_outcome(channel, outcome)

    async def run(self, bus: EventBus) -> None:
        """Consume the log and send what is due, until ``stop``."""
        consumer = bus.consumer(GROUP, families=FAMILIES)
        async with consuming(consumer, self.handle):
            while not self._stopping.is_set():
                try:
                    await self.deliver_due()
                except Exception:  # the shared store blinked: try again next round
                    logger.warning("notifications: delivery round failed", exc_info=True)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), self.settings.poll_seconds)

    async def stop(self) -> None:
        self._stopping.set()


def _error_kind(error: Exception) -> str:
    """What went wrong, without the receiver's body or any address (they may hold PII)."""
    import httpx

    if isinstance(error, httpx.HTTPStatusError):
        return f"HTTP {error.response.status_code}"
    return type(error).__name__
