"""Test helpers: a handler that records events and can be waited on; raw topic reads."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from events import Envelope


class Collector:
    """A consumer handler that records every event it is given; await ``until`` a count."""

    def __init__(self, fail_on: Callable[[Envelope], bool] | None = None) -> None:
        self.events: list[Envelope] = []
        self.fail_on = fail_on
        self.attempts: dict[str, int] = {}
        self._changed = asyncio.Event()

    async def __call__(self, event: Envelope) -> None:
        self.attempts[event.id] = self.attempts.get(event.id, 0) + 1
        if self.fail_on is not None and self.fail_on(event):
            raise RuntimeError(f"cannot handle {event.type}")
        self.events.append(event)
        self._changed.set()

    @property
    def unique_ids(self) -> set[str]:
        return {event.id for event in self.events}

    async def until(self, predicate: Callable[[Collector], bool], timeout: float = 20) -> None:
        async with asyncio.timeout(timeout):
            while not predicate(self):
                self._changed.clear()
                await self._changed.wait()

    def first_seen_order(self) -> list[Envelope]:
        """Events in delivery order with redeliveries dropped (what an idempotent consumer sees)."""
        seen: set[str] = set()
        ordered = []
        for event in self.events:
            if event.id not in seen:
                seen.add(event.id)
                ordered.append(event)
        return ordered


async def read_topic(
    bootstrap: str, topic: str, *, at_least: int = 0, timeout: float = 20, **options: Any
) -> list[ConsumerRecord]:
    """Every record in ``topic`` (all partitions) without joining a group; with ``at_least``,
    keeps reading until that many have arrived. ``options``: e.g. TLS/SASL connection options."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, **options)
    await consumer.start()
    try:
        await consumer.topics()  # loads the metadata of every topic
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        records: list[ConsumerRecord] = []

        async def behind() -> bool:
            return bool([tp for tp in partitions if await consumer.position(tp) < ends[tp]])

        async with asyncio.timeout(timeout):
            while len(records) < at_least or await behind():
                batch = await consumer.getmany(timeout_ms=200)
                for messages in batch.values():
                    records.extend(messages)
        return records
    finally:
        await consumer.stop()
