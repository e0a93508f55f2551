"""Keeping the request-analytics projection fed from the bus while the server runs.

The projection is a consumer group of the process's bus (the local log, or Kafka when
configured). Without a bus — a server built with a plain publisher, as in some tests — the
projection answers from what it already holds and is not fed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from events import EventBus, LocalLogConsumer, consuming
from events.projection import RequestAnalyticsProjection

GROUP = "workflow-analytics"


class AnalyticsFeed:
    def __init__(self, projection: RequestAnalyticsProjection, bus: EventBus | None) -> None:
        self.projection = projection
        self.bus = bus
        self._consumer = None

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Consume request events into the projection for the duration of the block."""
        if self.bus is None:
            yield
            return
        self._consumer = self.bus.consumer(GROUP, families=self.projection.families)
        try:
            async with consuming(self._consumer, self.projection.handle):
                yield
        finally:
            self._consumer = None

    async def events_behind(self) -> int | None:
        """Log events the projection has not seen yet; None when that cannot be known."""
        consumer = self._consumer
        if not isinstance(consumer, LocalLogConsumer):
            return None
        return max(0, await consumer.outbox.last_seq() - await consumer.position())

    async def catch_up(self) -> str:
        """A job: with the live consumer running, say how far behind it is; without it (a run
        by hand, or after it stopped), feed the projection what the log holds beyond it."""
        if self.bus is None:
            return "not fed (no event bus)"
        if self._consumer is not None:
            return f"{await self.events_behind() or 0} events behind (fed live)"
        consumer = self.bus.consumer(GROUP, families=self.projection.families)
        if not isinstance(consumer, LocalLogConsumer):
            return "fed by its Kafka consumer group"
        target = await consumer.outbox.last_seq()
        async with consuming(consumer, self.projection.handle), asyncio.timeout(300):
            while await consumer.position() < target:
                await asyncio.sleep(0.05)
        return "caught up"

    def describe(self) -> str:
        fed = "fed from the event bus" if self.bus is not None else "not fed (no event bus)"
        return f"sqlite at {self.projection.path}, {fed}"
