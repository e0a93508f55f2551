"""What the memory server's tools return (the library's models cover the rest)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from memory.models import ID_PATTERN, MemoryRecord, RecalledMemory, Role

MemoryId = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN),
    Field(description="Memory id, as returned by remember or recall (e.g. 'm-3f2a...')."),
]
Source = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$"),
    Field(description="Where the memory comes from, e.g. 'agent', 'ticket:T-12', 'crm'."),
]
TurnKey = Annotated[
    str,
    StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$"),
]
"""An idempotency key for one turn: letters, digits, '.', '_', ':' or '-', at most 128."""


class RememberOutcome(BaseModel):
    memory_id: str = Field(description="Id of the memory now holding this content.")
    status: Literal["created", "merged", "unchanged"] = Field(
        description="created: new; merged: folded into a near-duplicate (its id is kept); "
        "unchanged: this content was already remembered."
    )
    memory: MemoryRecord = Field(description="The memory as stored.")


class RecallResult(BaseModel):
    query: str = Field(description="The query as searched.")
    memories: list[RecalledMemory] = Field(description="Closest memories first.")


class ForgetOutcome(BaseModel):
    memories_removed: int = Field(description="Memories removed from the vector index.")
    sessions_removed: int = Field(description="Cached sessions of the customer removed.")


class AppendOutcome(BaseModel):
    session_id: str = Field(description="The session written to.")
    turns: int = Field(description="Turns the session now holds (the oldest are dropped "
                       "beyond the configured maximum).")
    created: bool = Field(description="False when idempotency_key had already added this "
                          "turn to the session (nothing new).")
    uri: str = Field(description="memory://sessions/{session_id}.")


class NewTurn(BaseModel):
    """One message of a batch given to ``append_turns``."""

    role: Role = Field(description="Who spoke: customer, agent, system or tool.")
    content: str = Field(min_length=1, max_length=20_000, description="What was said.")
    idempotency_key: TurnKey | None = Field(
        default=None, description="Names this turn for retries, as append_turn's does.")


class AppendedTurns(BaseModel):
    session_id: str = Field(description="The session written to.")
    turns: int = Field(description="Turns the session now holds.")
    created: list[bool] = Field(description="One per turn given, in order: false where its "
                                "idempotency_key had already added it (nothing new).")
    uri: str = Field(description="memory://sessions/{session_id}.")


class SessionSummary(BaseModel):
    session_id: str = Field(description="The session summarised.")
    customer_id: str | None = Field(description="Customer the session belongs to, if known.")
    summary: str = Field(description="'Customer: ...' / 'Agent: ...' lines, in order.")
    sentences: list[str] = Field(description="The sentences picked, in conversation order.")
    turns_summarized: int = Field(description="Turns the summary was drawn from.")
    method: Literal["extractive"] = Field(description="How it was made: sentences picked "
                                          "verbatim, deterministic and offline.")
    memory_id: str | None = Field(description="Id of the stored summary memory, when saved.")


class CustomerMemories(BaseModel):
    customer_id: str = Field(description="The customer.")
    memories: list[MemoryRecord] = Field(description="Live memories, newest first.")


class MemoryHealth(BaseModel):
    degraded: bool = Field(description="True while a shared backend is unreachable and a "
                           "local tier answers instead.")
    session_cache: str = Field(description="Which session cache answers now.")
    detail: str = Field(description="What is wrong, or 'ok'.")
    backends: dict[str, str] = Field(description="Configured backend of each tier.")
