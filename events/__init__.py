"""Typed, versioned domain events and the bus that carries them."""

from events.envelope import Envelope, new_event_id
from events.publisher import EventPublisher, MemoryPublisher, NullPublisher

__all__ = ["Envelope", "EventPublisher", "MemoryPublisher", "NullPublisher", "new_event_id"]
