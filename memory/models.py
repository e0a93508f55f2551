"""The data of the memory tiers: session turns and long-term memories."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from events import new_event_id

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"

CustomerId = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN),
    Field(description="Customer id: letters, digits, '.', '_' or '-', at most 128 characters."),
]
SessionId = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN),
    Field(description="Session (conversation) id: letters, digits, '.', '_' or '-'."),
]
MemoryKind = Literal["fact", "preference", "resolution", "summary"]
Role = Literal["customer", "agent", "system", "tool"]


def utc_now() -> datetime:
    return datetime.now(UTC)


def memory_uri(customer_id: str) -> str:
    return f"memory://customers/{customer_id}"


def session_uri(session_id: str) -> str:
    return f"memory://sessions/{session_id}"


class Turn(BaseModel):
    """One message of a conversation."""

    id: str = Field(default_factory=new_event_id, description="Sortable unique id (ULID).")
    role: Role = Field(description="Who spoke: customer, agent, system or tool.")
    content: str = Field(min_length=1, max_length=20_000, description="What was said.")
    at: datetime = Field(default_factory=utc_now, description="When it was said (UTC).")


class SessionSnapshot(BaseModel):
    """A session as the cache holds it."""

    session_id: str = Field(description="The session id.")
    customer_id: str | None = Field(description="Customer the session belongs to, if known.")
    turns: list[Turn] = Field(description="Turns, oldest first (the newest are kept).")
    context: dict[str, Any] = Field(description="Per-session context values.")
    facts: dict[str, Any] = Field(description="Short-lived facts that have not expired.")


class MemoryRecord(BaseModel):
    """A long-term memory about one customer."""

    id: str = Field(description="Memory id; the same content for the same customer and kind "
                    "always gets the same id.")
    customer_id: str = Field(description="Customer the memory is about.")
    kind: MemoryKind = Field(description="fact, preference, resolution or summary.")
    content: str = Field(description="The memory in one or a few sentences.")
    source: str = Field(description="Where it came from, e.g. 'agent', 'ticket:T-12'.")
    created_at: datetime = Field(description="When it was first remembered (UTC).")
    updated_at: datetime = Field(description="When it was last written or merged (UTC).")
    expires_at: datetime | None = Field(description="When it stops being recalled; null: never.")
    mentions: int = Field(description="How many writes were merged into this memory.")
    uri: str = Field(description="memory://customers/{customer_id}.")


class RecalledMemory(MemoryRecord):
    score: float = Field(description="Cosine similarity to the query, 0..1; higher is closer.")
