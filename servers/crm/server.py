"""The CRM MCP server: wiring only; the tools are in ``tools``, the thinking in ``service``."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastmcp import FastMCP

from events import EventPublisher
from servers.correlation import Correlation
from servers.crm import tools
from servers.crm.demo import load_demo_if_empty
from servers.crm.service import CrmService
from servers.input_guard import RefuseNulCharacters
from servers.lifespan_context import DEFAULT_TENANT
from servers.registration import register
from servers.schema_refs import DereferenceOnce
from servers.tool_events import ToolEvents
from servers.tool_routing import ServerOfTools

INSTRUCTIONS = """\
Customer records and support tickets. Look a customer up with `find_customers` (by email,
name, company or an external id such as a chat visitor id), read their profile with
`get_customer` and their history with `customer_timeline`; add one with `create_customer`
(idempotent by email and external id) and change one with `update_customer`. List tickets
with `list_tickets`, read one with `get_ticket`. To change a ticket pass the `version` you
read as `expected_version`; a conflict means someone else changed it first: read it again.
Pass a `request_id` to `create_ticket` (and an `idempotency_key` to `add_message` or
`add_note`) when a retry must not create a second one.
"""



def build_server(
    service: CrmService,
    *,
    publisher: EventPublisher | None = None,
    default_tenant: str = "demo",
    load_demo: bool = True,
) -> FastMCP:
    """A FastMCP server over ``service``; the database opens in the lifespan, not here.

    ``publisher`` receives ticket.created / ticket.updated events (bound to the service) and a
    tool.called event for every tool call.
    Callers without an identity (stdio, unauthenticated HTTP) act in ``default_tenant``,
    which is also where the demo data goes.
    """
    if publisher is not None:
        service.publisher = publisher

    @asynccontextmanager
    async def lifespan(_: FastMCP):
        await service.open()
        try:
            if load_demo:
                await load_demo_if_empty(service.database, default_tenant)
            yield {"crm": service, DEFAULT_TENANT: default_tenant}
        finally:
            await service.close()

    mcp = ServerOfTools(
        "supportdesk-crm", instructions=INSTRUCTIONS, lifespan=lifespan,
        mask_error_details=True, strict_input_validation=True,
        dereference_schemas=False, middleware=[DereferenceOnce()],
    )
    mcp.add_middleware(Correlation("crm"))
    mcp.add_middleware(RefuseNulCharacters())
    if publisher is not None:
        mcp.add_middleware(ToolEvents(publisher, server="crm", default_tenant=default_tenant))
    return register(mcp, tools)
