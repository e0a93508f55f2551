"""The orchestrator MCP server: wiring only; the tools are in ``tools``, the asking in
``approval``, the thinking in ``orchestrator/``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastmcp import FastMCP
from mcp.server.request_state import RequestStateSecurity

from orchestrator.runner import Orchestrator
from servers.correlation import Correlation
from servers.input_guard import RefuseNulCharacters
from servers.lifespan_context import DEFAULT_TENANT
from servers.orchestrator import tools
from servers.orchestrator.approval import request_state_security
from servers.registration import register
from servers.schema_refs import DereferenceOnce
from servers.tool_events import ToolEvents
from servers.tool_routing import ServerOfTools

INSTRUCTIONS = """\
Customer-support orchestrator. `triage_and_resolve` handles one customer request end to end:
triage, help-center research, a cited reply, quality review and — when policy requires — a
human approval, then updates the CRM ticket and memory. A run waiting for approval returns
status `pending_approval` with an approval id; decide it with `resolve_approval`.
"""


def build_server(
    orchestrator: Orchestrator,
    *,
    default_tenant: str,
    security: RequestStateSecurity | None = None,
    lifespan: Callable[[FastMCP], AbstractAsyncContextManager[object]] | None = None,
) -> FastMCP:
    """The orchestrator server; ``lifespan`` opens the graph's stores and connections. Every
    tool call publishes a tool.called event through the orchestrator's publisher."""

    @asynccontextmanager
    async def serving(server: FastMCP) -> AsyncIterator[dict]:
        if lifespan is None:
            yield {"orchestrator": orchestrator, DEFAULT_TENANT: default_tenant}
            return
        async with lifespan(server) as context:
            yield {**(context or {}), "orchestrator": orchestrator,
                   DEFAULT_TENANT: default_tenant}

    mcp = ServerOfTools(
        "supportdesk-orchestrator",
        instructions=INSTRUCTIONS,
        lifespan=serving,
        mask_error_details=True, strict_input_validation=True,
        request_state_security=security or request_state_security(None, 3600.0),
        dereference_schemas=False, middleware=[DereferenceOnce()],
    )
    mcp.add_middleware(Correlation("orchestrator"))
    mcp.add_middleware(RefuseNulCharacters())
    mcp.add_middleware(ToolEvents(orchestrator.publisher, server="orchestrator",
                                  default_tenant=default_tenant))
    return register(mcp, tools)
