"""The knowledge-base MCP server: wiring only; the tools are in ``tools``, the thinking in
``service``."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastmcp import FastMCP

from events import EventPublisher
from servers.correlation import Correlation
from servers.input_guard import RefuseNulCharacters
from servers.kb import tools
from servers.kb.ingest import load_demo_if_empty
from servers.kb.service import KnowledgeBase
from servers.lifespan_context import DEFAULT_TENANT
from servers.registration import register
from servers.schema_refs import DereferenceOnce
from servers.tool_events import ToolEvents
from servers.tool_routing import ServerOfTools

INSTRUCTIONS = """\
Your help center's knowledge base. Use `search` to find passages that answer a customer's
question and cite them by their `uri` (kb://articles/{id}) — link the customer to the `url`,
the article's public page, when there is one; read a whole article with `get_article`.
Categories come from `list_categories`. Each tenant has its own help center.
"""


def build_server(
    kb: KnowledgeBase,
    *,
    load_demo: bool = True,
    publisher: EventPublisher | None = None,
    default_tenant: str = "demo",
) -> FastMCP:
    """A FastMCP server over ``kb``; the store opens in the lifespan, not here.

    Every call reads and writes the caller's tenant's help center; callers without an identity
    act in ``default_tenant``, which is also where the demo help center goes. Every tool call
    publishes a ``tool.called`` event to ``publisher`` (none when omitted).
    """

    @asynccontextmanager
    async def lifespan(_: FastMCP):
        await kb.open()
        try:
            if load_demo:
                await load_demo_if_empty(kb, default_tenant)
            yield {"kb": kb, DEFAULT_TENANT: default_tenant}
        finally:
            await kb.close()

    mcp = ServerOfTools(
        "supportdesk-kb",
        instructions=INSTRUCTIONS,
        lifespan=lifespan,
        mask_error_details=True, strict_input_validation=True,
        dereference_schemas=False, middleware=[DereferenceOnce()],
    )
    mcp.add_middleware(Correlation("kb"))
    mcp.add_middleware(RefuseNulCharacters())
    if publisher is not None:
        mcp.add_middleware(ToolEvents(publisher, server="kb", default_tenant=default_tenant))
    register(mcp, tools)
    return mcp
