"""The relay: moves outbox rows to the broker in batches, in order, and marks them relayed.

It wakes when this process appends (an asyncio.Event) or a store commits events into its own
outbox table (``wake``), and polls for rows other processes wrote. Each round it first carries
the stores' tables (its sources) into the log. Only the holder of the outbox's relay lease
works. While the broker is down it backs off and retries; nothing is lost because rows stay in
the outbox until the broker has them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from events import lease
from events.errors import BrokerUnavailable
from events.outbox import Outbox, OutboxRow, wait_for_rows
from events.settings import EventSettings
from events.sources import EventSource

logger = logging.getLogger(__name__)

LEASE_NAME = "relay"
PRUNE_EVERY_SECONDS = 3600.0


@dataclass
class SendReport:
    """What one send achieved: delivered rows, rows set aside for good, the first failure."""

    delivered: list[int] = field(default_factory=list)
    rejected: dict[int, str] = field(default_factory=dict)
    failure: str | None = None

    @classmethod
    def merge(cls, reports: Iterable[SendReport]) -> SendReport:
        merged = cls()
        for report in reports:
            merged.delivered.extend(report.delivered)
            merged.rejected.update(report.rejected)
            merged.failure = merged.failure or report.failure
        return merged


class Sink(Protocol):
    """Where the relay sends rows (Kafka); raises BrokerUnavailable when nothing got through."""

    def describe(self) -> str: ...

    async def send(self, rows: Sequence[OutboxRow]) -> SendReport: ...

    async def close(self) -> None: ...


class Relay:
    """Background task relaying ``outbox`` to ``sink``; ``start``/``stop`` in a lifespan.

    Without a sink (no broker configured) it only carries added sources into the log.
    """

    def __init__(self, outbox: Outbox, sink: Sink | None, settings: EventSettings) -> None:
        self.outbox = outbox
        self.sink = sink
        self.settings = settings
        self.owner = lease.new_owner_id()
        self.sources: list[EventSource] = []
        self._failing_sources: set[int] = set()
        self._task: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._stopping = asyncio.Event()
        self._idle = asyncio.Event()
        self.outage = asyncio.Event()
        """Set while the broker is unreachable (for health reporting); cleared on recovery."""
        self._last_prune = 0.0
        self._renew_at = 0.0

    def add_source(self, source: EventSource) -> None:
        """Also carry a store's own outbox table into the log; the relay closes it on stop.
        A second source on a table already added (the same store built twice) is ignored."""
        if all(known.describe() != source.describe() for known in self.sources):
            self.sources.append(source)

    def wake(self) -> None:
        """Start a round now: a store in this process has just committed events to a source."""
        if self._wake is not None:
            self._wake.set()

    async def start(self) -> None:
        if self._task is None:
            self._stopping.clear()
            # Appends to the log matter only when there is a broker to send them to; sources
            # are woken by their stores (``wake``) and polled, not by every publish.
            self._wake = self.outbox.listen() if self.sink is not None else asyncio.Event()
            self._wake.set()  # catch up on whatever an earlier process left
            self._task = asyncio.create_task(self._run(), name="event-relay")

    async def stop(self, grace: float = 5.0) -> None:
        """Finish the round in progress (up to ``grace`` seconds), release the lease."""
        if self._task is None:
            await self._close_sources()  # a round run by hand (relay_once) may have opened them
            return
        self._stopping.set()
        task, self._task = self._task, None
        try:
            await asyncio.wait_for(task, grace)
        except TimeoutError:
            logger.warning("event relay did not stop within %.1fs; cancelled", grace)
        if self._wake is not None:
            self.outbox.unlisten(self._wake)
        self._renew_at = 0.0
        with contextlib.suppress(Exception):
            await self.outbox.run(lease.release, LEASE_NAME, self.owner)
        if self.sink is not None:
            await self.sink.close()
        await self._close_sources()

    async def wait_idle(self, timeout: float) -> None:
        """Until every outbox row is relayed to the sink (for tests, the benchmark, draining)."""
        async with asyncio.timeout(timeout):
            while True:
                self._idle.clear()
                if self._wake is not None:
                    self._wake.set()
                await self._idle.wait()
                if await self.outbox.count_unrelayed() == 0:
                    return

    async def _run(self) -> None:
        assert self._wake is not None
        backoff = self.settings.relay_backoff_seconds
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                more = await self.relay_once()
            except BrokerUnavailable as error:
                if not self.outage.is_set():
                    logger.warning("event relay: broker unavailable, retrying: %s", error)
                    self.outage.set()
                await self._pause(backoff)
                backoff = min(backoff * 2, self.settings.relay_backoff_max_seconds)
                continue
            except Exception:
                logger.exception("event relay round failed; retrying")
                await self._pause(backoff)
                backoff = min(backoff * 2, self.settings.relay_backoff_max_seconds)
                continue
            if self.outage.is_set():
                logger.info("event relay: broker reachable again")
                self.outage.clear()
            backoff = self.settings.relay_backoff_seconds
            if more:
                continue
            self._idle.set()
            await wait_for_rows(self._wake, self._stopping, self.settings.relay_poll_seconds)

    async def relay_once(self) -> bool | None:
        """One round: claim the lease, drain sources, send a batch.

        True if rows remain, False when all is relayed, None when another relay holds the lease.
        """
        if not await self._hold_lease():
            return None
        sources_left = await self._drain_sources()
        if self.sink is None:
            await self._maybe_prune()
            return sources_left
        records = await self.outbox.unrelayed(self.settings.relay_batch_size)
        if not records:
            await self._maybe_prune()
            return sources_left
        report = await self.sink.send(records)
        done = [*report.delivered, *report.rejected]
        await self.outbox.mark_relayed(done, report.rejected)
        for seq, error in report.rejected.items():
            logger.error("event relay: outbox row %d rejected by the broker: %s", seq, error)
        if report.failure:
            raise BrokerUnavailable(report.failure)
        return sources_left or len(records) == self.settings.relay_batch_size

    async def _drain_sources(self) -> bool:
        """One batch from each source into the log (or, for a source that delivers itself,
        to the broker); True if a source may hold more.

        A source that fails (its database is away) is skipped until a later round, so the
        log's own rows still reach the broker meanwhile.
        """
        limit, left = self.settings.relay_batch_size, False
        for source in self.sources:
            try:
                moved = await source.drain(self.outbox, limit, self.sink)
            except BrokerUnavailable:
                raise
            except Exception as error:
                if id(source) not in self._failing_sources:
                    self._failing_sources.add(id(source))
                    logger.warning(
                        "event relay: cannot drain %s, retrying: %r", source.describe(), error
                    )
                continue
            if id(source) in self._failing_sources:
                self._failing_sources.discard(id(source))
                logger.info("event relay: draining %s again", source.describe())
            left = left or moved == limit
        return left

    async def _close_sources(self) -> None:
        for source in self.sources:
            try:
                await source.close()
            except Exception:
                logger.warning("event relay: closing %s failed", source.describe(), exc_info=True)

    async def _hold_lease(self) -> bool:
        """Claim or renew the lease; renewing only once half its time is gone saves a write
        per round (nobody else can take it before it expires)."""
        now = time.monotonic()
        if now < self._renew_at:
            return True
        ttl = self.settings.relay_lease_seconds
        if await self.outbox.run(lease.claim, LEASE_NAME, self.owner, ttl):
            self._renew_at = now + ttl / 2
            return True
        return False

    async def _maybe_prune(self) -> None:
        """Apply the retention at most once per PRUNE_EVERY_SECONDS while relaying."""
        now = time.time()
        if now - self._last_prune < PRUNE_EVERY_SECONDS:
            return
        self._last_prune = now
        await self.apply_retention()

    async def apply_retention(self) -> int:
        """Prune now: relayed rows with Kafka; without it, the log's own rows (a job, too)."""
        local = self.sink is None
        hours = (
            self.settings.local_log_retention_hours if local
            else self.settings.relayed_retention_hours
        )
        if hours is None:
            return 0
        prune = self.outbox.prune_written if local else self.outbox.prune_relayed
        pruned = await prune(time.time() - hours * 3600)
        if pruned:
            kind = "log" if local else "relayed"
            logger.info("event relay: pruned %d %s rows older than %sh", pruned, kind, hours)
        return pruned

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)
