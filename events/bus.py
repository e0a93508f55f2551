"""The event bus: what components publish to, built once from settings.

``publish`` appends to the durable outbox and returns — it never waits on a broker. When
Kafka is configured a relay moves the outbox to Kafka in the background; without it the
outbox is the event log, read back and replayed by local consumers.

    bus = bus_from_settings(EventSettings(), core.data_dir)
    async with bus:                     # starts the relay (if any), closes the outbox
        await bus.publish(make_event(TicketCreated(...), tenant="acme"))
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from types import TracebackType

from events.consumer import EventConsumer, LocalLogConsumer
from events.envelope import Envelope
from events.outbox import Outbox
from events.postgres_outbox import PostgresOutbox
from events.relay import Relay
from events.settings import EventSettings
from events.sources import EventSource


class EventBus:
    """Implements ``EventPublisher``; owns the outbox and, with Kafka, the relay."""

    def __init__(self, outbox: Outbox, settings: EventSettings, relay: Relay,
                 shared: PostgresOutbox | None = None) -> None:
        """``shared``: the PostgreSQL outbox every event is committed to first, when
        configured (the relay drains it); else events go straight into ``outbox``."""
        self.outbox = outbox
        self.settings = settings
        self.relay = relay
        self.shared = shared
        if shared is not None:
            relay.add_source(shared.source())

    async def publish(self, *events: Envelope) -> None:
        """Durably accept ``events`` (one outbox commit); the relay is woken to send them."""
        if self.shared is None:
            await self.outbox.append(events)
            return
        await self.shared.append(events)
        self.relay.wake()

    def add_source(self, source: EventSource) -> None:
        """Also carry the outbox table a store keeps in its own database (rows written with
        ``events.outbox_table.append_events`` in the store's transactions) into this log. Add
        sources before ``start``: the relay runs only when it has a sink or a source."""
        self.relay.add_source(source)

    def wake(self) -> None:
        """Tell the relay a store just committed events to a source (else it finds them on
        its next poll)."""
        self.relay.wake()

    def consumer(self, group: str, *, families: Collection[str] | None = None) -> EventConsumer:
        """A consumer group on this bus's log: Kafka when configured, else the local log."""
        if self.settings.kafka_enabled:
            from events.consumer_kafka import KafkaLogConsumer

            return KafkaLogConsumer(self.settings, group, families=families)
        return LocalLogConsumer(
            self.outbox,
            group,
            families=families,
            max_attempts=self.settings.consumer_max_attempts,
            backoff=self.settings.consumer_backoff_seconds,
            poll_seconds=self.settings.relay_poll_seconds,
        )

    def describe(self) -> str:
        sink = self.relay.sink
        target = sink.describe() if sink is not None else "local log"
        outbox = self.shared.describe() if self.shared is not None else self.outbox.path
        return f"outbox at {outbox} -> {target}"

    async def start(self) -> None:
        """Start the relay when there is somewhere to relay to, something to carry in, or a
        local log to keep within its retention."""
        if (
            self.relay.sink is not None
            or self.relay.sources
            or self.settings.local_log_retention_hours is not None
        ):
            await self.relay.start()

    async def stop(self) -> None:
        await self.relay.stop()
        if self.shared is not None:
            await self.shared.close()
        await self.outbox.close()

    async def __aenter__(self) -> EventBus:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()


def bus_from_settings(settings: EventSettings, data_dir: Path) -> EventBus:
    """The one bus of a process: nothing is opened until the first publish or ``start``."""
    outbox = Outbox(settings.outbox_file(data_dir), synchronous=settings.outbox_synchronous)
    sink = None
    if settings.kafka_enabled:
        from events.kafka import KafkaSink
        from events.kafka_security import connection_options

        connection_options(settings)  # unusable TLS files fail the start, not the first send
        sink = KafkaSink(settings)
    url = settings.shared_outbox_url()
    shared = PostgresOutbox(url, schema=settings.database_schema) if url else None
    return EventBus(outbox, settings, Relay(outbox, sink, settings), shared)
