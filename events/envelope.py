"""One envelope for every event: identity, routing ids, time, causality, typed payload."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_event_id() -> str:
    """A ULID: 48-bit millisecond time + 80 random bits; sorts by creation time."""
    value = (int(time.time() * 1000) << 80) | int.from_bytes(os.urandom(10))
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def stable_event_id(*parts: str) -> str:
    """The same id for the same logical event (in the ULID alphabet, 26 characters): a step
    that runs again after a crash re-publishes an event the log already holds, and the log and
    every consumer drop it as a duplicate."""
    import hashlib

    value = int.from_bytes(hashlib.sha256("\x1f".join(parts).encode()).digest()[:17])
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


class Envelope(BaseModel):
    """A domain event as it travels: JSON on the wire, unknown fields kept for newer versions."""

    model_config = ConfigDict(extra="allow", frozen=True)

    id: str = Field(default_factory=new_event_id, description="Sortable unique id (ULID).")
    type: str = Field(description="Event type, e.g. 'ticket.created'.")
    version: int = Field(default=1, ge=1, description="Schema version of the payload.")
    tenant: str = Field(description="Tenant the event belongs to.")
    request_id: str | None = Field(default=None, description="Support request it concerns.")
    ticket_id: str | None = Field(default=None, description="Ticket it concerns.")
    customer_id: str | None = Field(default=None, description="Customer it concerns.")
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    correlation_id: str | None = Field(default=None, description="Id shared by one whole run.")
    causation_id: str | None = Field(default=None, description="Id of the event that caused it.")
    payload: dict[str, Any] = Field(default_factory=dict, description="Type-specific data.")

    @property
    def family(self) -> str:
        """'ticket.created' -> 'ticket': one Kafka topic per family."""
        return self.type.split(".", 1)[0]

    @property
    def key(self) -> str | None:
        """Partition key: per-subject order holds for the request, else ticket, else customer."""
        return self.request_id or self.ticket_id or self.customer_id
