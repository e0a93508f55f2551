"""The publishing seam every component depends on. The bus (outbox, Kafka) implements it."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from events.envelope import Envelope


@runtime_checkable
class EventPublisher(Protocol):
    async def publish(self, *events: Envelope) -> None:
        """Durably accept the events; must not wait on a remote broker."""
        ...


class NullPublisher:
    """Drops events: for components used where nothing listens."""

    async def publish(self, *events: Envelope) -> None:
        return None


class MemoryPublisher:
    """Keeps events in a list: for tests that assert what was published."""

    def __init__(self) -> None:
        self.events: list[Envelope] = []

    async def publish(self, *events: Envelope) -> None:
        self.events.extend(events)

    def of_type(self, event_type: str) -> list[Envelope]:
        return [event for event in self.events if event.type == event_type]
