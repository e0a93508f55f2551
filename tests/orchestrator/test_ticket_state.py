"""Setting a ticket's state from the orchestrator: no extra read, and a concurrent edit is
read again and retried rather than failing the run or overwriting blindly."""

import pytest
from fastmcp import Client

from events import MemoryPublisher
from orchestrator.support_tools import SupportTools, Target
from servers.identity import Caller
from servers.settings import CoreSettings
from servers.registry import BUILDERS


@pytest.fixture
async def crm(data_dir):
    built = BUILDERS["crm"](CoreSettings(data_dir=data_dir, default_tenant="demo"),
                            MemoryPublisher())
    async with Client(built.server):  # runs the lifespan: migrations and demo data
        yield built.server


@pytest.fixture
async def tools(crm):
    async with SupportTools.connect({"crm": Target(server=crm)}) as connected:
        yield connected.acting_for(Caller("demo", "orchestrator"))


async def new_ticket(tools) -> dict:
    customer, _ = await tools.identify_customer("bob@example.com", None, None)
    return await tools.ensure_ticket(
        idempotency_key="req-state-1", customer_id=customer["id"], subject="Export stuck",
        body="My export is stuck.", channel="chat", category="data-export", priority="normal",
    )


async def read(crm, ticket_id: str) -> dict:
    async with Client(crm) as client:
        return (await client.call_tool("get_ticket", {"ticket_id": ticket_id})).structured_content


async def test_the_state_is_set_from_the_copy_in_hand(tools, crm):
    ticket = await new_ticket(tools)
    assert await tools.set_ticket_state(ticket, status="resolved", priority="high") is True
    after = (await read(crm, ticket["id"]))["ticket"]
    assert (after["status"], after["priority"], after["version"]) == ("resolved", "high", 2)
    again = await tools.ensure_ticket(idempotency_key="req-state-1", **_same_fields(ticket))
    assert await tools.set_ticket_state(again, status="resolved", priority="high") is False


async def test_a_change_made_meanwhile_is_read_and_the_update_retried(tools, crm):
    ticket = await new_ticket(tools)
    async with Client(crm) as client:  # a human edits the ticket after the run read it
        await client.call_tool("update_ticket", {"ticket_id": ticket["id"],
                                                 "expected_version": 1, "assignee": "maya"})
    assert await tools.set_ticket_state(ticket, status="resolved") is True
    after = (await read(crm, ticket["id"]))["ticket"]
    assert (after["status"], after["assignee"], after["version"]) == ("resolved", "maya", 3)


def _same_fields(ticket: dict) -> dict:
    return {"customer_id": ticket["customer_id"], "subject": ticket["subject"],
            "body": "My export is stuck.", "channel": "chat", "category": "data-export",
            "priority": "normal"}
