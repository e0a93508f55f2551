"""The workflow MCP server: wiring only; the tools are in ``tools``, the thinking in
``service``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastmcp import FastMCP

from events import EventPublisher
from servers.correlation import Correlation
from servers.input_guard import RefuseNulCharacters
from servers.lifespan_context import DEFAULT_TENANT
from servers.registration import register
from servers.schema_refs import DereferenceOnce
from servers.tool_events import ToolEvents
from servers.tool_routing import ServerOfTools
from servers.workflow import tools
from servers.workflow.service import WorkflowService

INSTRUCTIONS = """\
The support workflow as people run it. `list_requests` and `get_request` show what the
orchestrator did with each customer request (status, per-agent trace with timings and
citations, the event timeline, the approval). `list_pending_approvals` shows the replies that
wait for a human; `decide_approval` approves, edits or rejects one (with a reason) and lets the
run finish. `request_analytics` gives volumes, rates and time to resolve over a period.
"""


def build_server(
    service: WorkflowService,
    *,
    default_tenant: str = "demo",
    publisher: EventPublisher | None = None,
    lifespan: Callable[[FastMCP], AbstractAsyncContextManager[dict]] | None = None,
) -> FastMCP:
    """A FastMCP server over ``service``; ``lifespan`` opens what the service reads from."""

    @asynccontextmanager
    async def default_lifespan(_: FastMCP) -> AsyncIterator[dict]:
        try:
            yield {"workflow": service}
        finally:
            await service.close()

    @asynccontextmanager
    async def with_tenant(server: FastMCP) -> AsyncIterator[dict]:
        async with (lifespan or default_lifespan)(server) as context:
            yield {**context, DEFAULT_TENANT: default_tenant}

    mcp = ServerOfTools(
        "supportdesk-workflow",
        instructions=INSTRUCTIONS,
        lifespan=with_tenant,
        mask_error_details=True, strict_input_validation=True,
        dereference_schemas=False, middleware=[DereferenceOnce()],
    )
    mcp.add_middleware(Correlation("workflow"))
    mcp.add_middleware(RefuseNulCharacters())
    if publisher is not None:
        mcp.add_middleware(
            ToolEvents(publisher, server="workflow", default_tenant=default_tenant)
        )
    return register(mcp, tools)
