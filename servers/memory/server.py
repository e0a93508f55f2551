"""The memory MCP server: wiring only; the tools are in ``tools``, the thinking in ``service``
and ``memory/``."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastmcp import FastMCP

from events import EventPublisher
from servers.correlation import Correlation
from servers.input_guard import RefuseNulCharacters
from servers.lifespan_context import DEFAULT_TENANT
from servers.memory import tools
from servers.memory.service import MemoryService
from servers.registration import register
from servers.schema_refs import DereferenceOnce
from servers.tool_events import ToolEvents
from servers.tool_routing import ServerOfTools

INSTRUCTIONS = """\
Customer memory for support agents. Before answering a customer, call `get_context` (recent
conversation turns plus what is known about the customer, within a size budget) or `recall`
(search their memories by meaning). Record each message with `append_turn`, or several at
once with `append_turns` (pass an `idempotency_key` when a retry must not add a turn twice);
keep durable knowledge (facts, preferences, how an issue was resolved) with `remember`.
`forget` erases a memory, or everything about a customer.
"""


def build_server(
    service: MemoryService,
    *,
    default_tenant: str = "demo",
    publisher: EventPublisher | None = None,
) -> FastMCP:
    """A FastMCP server over ``service``; ``publisher`` (if given) receives memory.written."""
    if publisher is not None:
        service.publisher = publisher

    @asynccontextmanager
    async def lifespan(_: FastMCP):
        await service.open()
        try:
            yield {"memory": service, DEFAULT_TENANT: default_tenant}
        finally:
            await service.close()

    mcp = ServerOfTools(
        "supportdesk-memory", instructions=INSTRUCTIONS, lifespan=lifespan,
        mask_error_details=True, strict_input_validation=True,
        dereference_schemas=False, middleware=[DereferenceOnce()],
    )
    mcp.add_middleware(Correlation("memory"))
    mcp.add_middleware(RefuseNulCharacters())
    if publisher is not None:
        mcp.add_middleware(ToolEvents(publisher, server="memory", default_tenant=default_tenant))
    return register(mcp, tools)
