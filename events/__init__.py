"""Typed, versioned domain events and the bus that carries them."""

from events.bus import EventBus, bus_from_settings
from events.consumer import DeadLetter, EventConsumer, LocalLogConsumer, consuming
from events.envelope import Envelope, new_event_id, stable_event_id
from events.errors import BrokerRefused, BrokerUnavailable, EventBusError
from events.outbox import LogRecord, Outbox
from events.outbox_table import append_events, create_outbox_table
from events.publisher import EventPublisher, MemoryPublisher, NullPublisher
from events.settings import EventSettings
from events.sources import EventSource, SQLiteSource
from events.types import PAYLOAD_TYPES, EventPayload, make_event, parse_payload, payload_as

__all__ = [
    "PAYLOAD_TYPES",
    "BrokerRefused",
    "BrokerUnavailable",
    "DeadLetter",
    "Envelope",
    "EventBus",
    "EventBusError",
    "EventConsumer",
    "EventPayload",
    "EventPublisher",
    "EventSettings",
    "EventSource",
    "LocalLogConsumer",
    "LogRecord",
    "MemoryPublisher",
    "NullPublisher",
    "Outbox",
    "SQLiteSource",
    "append_events",
    "bus_from_settings",
    "consuming",
    "create_outbox_table",
    "make_event",
    "new_event_id",
    "stable_event_id",
    "parse_payload",
    "payload_as",
]
