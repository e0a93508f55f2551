"""The memory server's tools and resources: each one hop from ``MemoryService``.

Every tool and resource works for the caller's tenant (from the access token, else the
server's default); the tenant is never an argument and another tenant's ids are simply not
found.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastmcp.resources import resource
from fastmcp.tools import tool
from mcp.types import ToolAnnotations
from pydantic import Field

from memory.context import MemoryContext, Strategy, Unit
from memory.errors import MemoryTierError
from memory.models import CustomerId, MemoryKind, Role, SessionId, SessionSnapshot
from servers.auth import MEMORY_READ, MEMORY_WRITE
from servers.errors import caller_errors, resource_errors
from servers.lifespan_context import CURRENT_TENANT
from servers.lifespan_context import service as from_lifespan
from servers.memory.models import (
    AppendedTurns,
    AppendOutcome,
    ForgetOutcome,
    MemoryId,
    NewTurn,
    RecallResult,
    RememberOutcome,
    SessionSummary,
    Source,
    TurnKey,
)
from servers.memory.service import MemoryService

READ_ONLY = ToolAnnotations(
    readOnlyHint=True, destructiveHint=False, idempotentHint=True, openWorldHint=False
)
IDEMPOTENT_WRITE = ToolAnnotations(
    readOnlyHint=False, destructiveHint=False, idempotentHint=True, openWorldHint=False
)
APPEND = ToolAnnotations(
    readOnlyHint=False, destructiveHint=False, idempotentHint=False, openWorldHint=False
)
"""Not idempotent as a tool: without its idempotency_key a repeat adds the turn again."""
SessionCustomer = Annotated[
    CustomerId | None,
    Field(description="Customer of the conversation; binds the session on first use."),
]
MEMORY = from_lifespan("memory")


@tool(annotations=IDEMPOTENT_WRITE, tags={MEMORY_WRITE})
@caller_errors(MemoryTierError)
async def remember(
    customer_id: CustomerId,
    content: Annotated[
        str,
        Field(min_length=1, max_length=4_000, description="The memory, in a sentence or "
              "a few: e.g. 'Prefers email over phone calls.'"),
    ],
    kind: Annotated[
        MemoryKind, Field(description="fact, preference, resolution or summary.")
    ] = "fact",
    source: Source = "agent",
    expires_in_seconds: Annotated[
        int | None,
        Field(ge=1, le=10 * 365 * 86_400, description="Forget it after this many seconds; "
              "omit to keep it until forgotten."),
    ] = None,
    service: MemoryService = MEMORY,
    tenant: str = CURRENT_TENANT,
) -> RememberOutcome:
    """Remember something durable about a customer.

    Idempotent: the same content for the same customer and kind returns the same id. A
    near-duplicate of an existing memory is merged into it (status 'merged').
    """
    return await service.remember(
        tenant, customer_id, content, kind=kind, source=source,
        expires_in_seconds=expires_in_seconds,
    )


@tool(annotations=READ_ONLY, tags={MEMORY_READ})
async def recall(
    query: Annotated[
        str, Field(min_length=1, max_length=2_000, description="What to look for.")
    ],
    customer_id: Annotated[
        CustomerId | None, Field(description="Only this customer's memories.")
    ] = None,
    kinds: Annotated[
        list[MemoryKind] | None, Field(max_length=4, description="Only these kinds.")
    ] = None,
    source: Annotated[Source | None, Field(description="Only from this source.")] = None,
    limit: Annotated[int, Field(ge=1, le=50, description="Most memories to return.")] = 5,
    min_score: Annotated[
        float, Field(ge=0, le=1, description="Least similarity (0..1) to include.")
    ] = 0.0,
    service: MemoryService = MEMORY,
    tenant: str = CURRENT_TENANT,
) -> RecallResult:
    """Search long-term memories by meaning, closest first; expired ones never appear."""
    return await service.recall(
        tenant, query, customer_id=customer_id, kinds=list(kinds or ()), source=source,
        limit=limit, min_score=min_score,
    )


@tool(
    annotations=ToolAnnotations(
        readOnlyHint=False, destructiveHint=True, idempotentHint=False, openWorldHint=False
    ),
    tags={MEMORY_WRITE},
)
@caller_errors(MemoryTierError)
async def forget(
    memory_id: Annotated[MemoryId | None, Field(description="Forget this memory.")] = None,
    customer_id: Annotated[
        CustomerId | None,
        Field(description="Forget everything about this customer: memories and sessions."),
    ] = None,
    service: MemoryService = MEMORY,
    tenant: str = CURRENT_TENANT,
) -> ForgetOutcome:
    """Erase one memory, or everything about a customer (give exactly one). It is removed
    from search and from the session cache at once; this cannot be undone."""
    return await service.forget(tenant, memory_id=memory_id, customer_id=customer_id)


@tool(annotations=READ_ONLY, tags={MEMORY_READ})
@caller_errors(MemoryTierError)
async def get_session(
    session_id: SessionId,
    last: Annotated[
        int | None, Field(ge=1, le=1_000, description="Only the newest this many turns.")
    ] = None,
    service: MemoryService = MEMORY,
    tenant: str = CURRENT_TENANT,
) -> SessionSnapshot:
    """Read a conversation: its turns (oldest first), context and live short-lived facts."""
    return await service.get_session(tenant, session_id, last=last)


@tool(annotations=APPEND, tags={MEMORY_WRITE})
@caller_errors(MemoryTierError)
async def append_turn(
    session_id: SessionId,
    role: Annotated[Role, Field(description="Who spoke: customer, agent, system or tool.")],
    content: Annotated[
        str, Field(min_length=1, max_length=20_000, description="What was said.")
    ],
    customer_id: SessionCustomer = None,
    idempotency_key: Annotated[
        TurnKey | None,
        Field(description="Names this turn for retries, e.g. 'run-42:turn:0': a repeat "
              "with a key the session has already seen adds nothing. Letters, digits, "
              "'.', '_', ':' or '-', at most 128; kept as long as the session."),
    ] = None,
    service: MemoryService = MEMORY,
    tenant: str = CURRENT_TENANT,
) -> AppendOutcome:
    """Add a message to a conversation (the session starts with its first turn and is
    forgotten after a period without writes).

    With an `idempotency_key`, calling again (a retry) adds nothing and returns `created`
    false. A key names one turn of one session, for as long as the session lives.
    """
    return await service.append_turn(
        tenant, session_id, role, content, customer_id=customer_id,
        idempotency_key=idempotency_key,
    )


@tool(annotations=APPEND, tags={MEMORY_WRITE})
@caller_errors(MemoryTierError)
async def append_turns(
    session_id: SessionId,
    turns: Annotated[
        list[NewTurn],
        Field(min_length=1, max_length=50, description="The messages, oldest first."),
    ],
    customer_id: SessionCustomer = None,
    service: MemoryService = MEMORY,
    tenant: str = CURRENT_TENANT,
) -> AppendedTurns:
    """Add several messages to a conversation in one call, in order, each as `append_turn`
    would (e.g. a customer's message and the reply to it).

    A turn whose `idempotency_key` the session has already seen adds nothing: sending the
    same batch again after a failure adds only the turns that were missing.
    """
    return await service.append_turns(tenant, session_id, turns, customer_id=customer_id)


@tool(annotations=IDEMPOTENT_WRITE, tags={MEMORY_WRITE})
@caller_errors(MemoryTierError)
async def update_session(
    session_id: SessionId,
    context: Annotated[
        dict[str, Any] | None,
        Field(max_length=64, description="Context values to merge into the session "
              "(e.g. {'plan': 'pro'}); a null value removes that key."),
    ] = None,
    facts: Annotated[
        dict[str, Any] | None,
        Field(max_length=64, description="Short-lived facts to note (e.g. "
              "{'identity_verified': true}); each expires after fact_ttl_seconds."),
    ] = None,
    fact_ttl_seconds: Annotated[
        int | None, Field(ge=1, le=7 * 86_400, description="Lifetime of these facts "
                          "(default: the configured one).")
    ] = None,
    service: MemoryService = MEMORY,
    tenant: str = CURRENT_TENANT,
) -> SessionSnapshot:
    """Note per-session context and short-lived facts; returns the session."""
    return await service.update_session(
        tenant, session_id, context=context, facts=facts, fact_ttl_seconds=fact_ttl_seconds
    )


@tool(annotations=IDEMPOTENT_WRITE, tags={MEMORY_WRITE})
@caller_errors(MemoryTierError)
async def summarize_session(
    session_id: SessionId,
    max_sentences: Annotated[
        int, Field(ge=1, le=20, description="Most sentences in the summary.")
    ] = 5,
    max_chars: Annotated[
        int, Field(ge=50, le=4_000, description="Most characters in the summary.")
    ] = 1_000,
    save: Annotated[
        bool, Field(description="Also remember the summary for the session's customer.")
    ] = False,
    service: MemoryService = MEMORY,
    tenant: str = CURRENT_TENANT,
) -> SessionSummary:
    """Summarise a conversation by picking its most informative sentences verbatim
    (deterministic, offline); optionally keep the summary as a memory."""
    return await service.summarize_session(
        tenant, session_id, max_sentences=max_sentences, max_chars=max_chars, save=save
    )


@tool(annotations=READ_ONLY, tags={MEMORY_READ})
@caller_errors(MemoryTierError)
async def get_context(
    customer_id: CustomerId,
    message: Annotated[
        str, Field(max_length=20_000, description="The message being answered.")
    ],
    session_id: Annotated[
        SessionId | None, Field(description="Conversation whose turns to include.")
    ] = None,
    strategy: Annotated[
        Strategy,
        Field(description="recent: newest turns and memories; relevant: closest in "
              "meaning to the message; hybrid: newest turns, most relevant memories."),
    ] = "hybrid",
    budget: Annotated[
        int | None, Field(ge=50, le=200_000, description="Size budget (default: the "
                          "configured one).")
    ] = None,
    unit: Annotated[
        Unit, Field(description="Budget unit: chars, or tokens (estimated).")
    ] = "chars",
    service: MemoryService = MEMORY,
    tenant: str = CURRENT_TENANT,
) -> MemoryContext:
    """Everything relevant to this customer and this message in one call: conversation
    turns plus long-term memories, within a size budget, also rendered as `text`."""
    return await service.context(
        tenant, customer_id, message, session_id=session_id, strategy=strategy,
        budget=budget, unit=unit,
    )


@resource(
    "memory://customers/{customer_id}", mime_type="application/json", tags={MEMORY_READ}
)
@resource_errors(MemoryTierError)
async def customer_resource(
    customer_id: str, service: MemoryService = MEMORY, tenant: str = CURRENT_TENANT
) -> str:
    """Everything remembered about a customer, newest first."""
    return (await service.customer(tenant, customer_id)).model_dump_json()


@resource(
    "memory://sessions/{session_id}", mime_type="application/json", tags={MEMORY_READ}
)
@resource_errors(MemoryTierError)
async def session_resource(
    session_id: str, service: MemoryService = MEMORY, tenant: str = CURRENT_TENANT
) -> str:
    """A conversation: turns, context and live facts."""
    return (await service.get_session(tenant, session_id)).model_dump_json()


@resource("memory://health", mime_type="application/json", tags={MEMORY_READ})
async def health_resource(service: MemoryService = MEMORY) -> str:
    """Which backends answer; `degraded` while Redis is away and the local cache answers."""
    return (await service.health()).model_dump_json()


TOOLS = (
    remember, recall, forget, get_session, append_turn, append_turns, update_session,
    summarize_session, get_context,
)
RESOURCES = (customer_resource, session_resource, health_resource)
