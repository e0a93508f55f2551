"""Over authenticated HTTP the caller's token decides the tenant, never a tool argument."""

import pytest
from fastmcp import FastMCP
from fastmcp.exceptions import ToolError
from fastmcp.server.auth.providers.jwt import StaticTokenVerifier
from fastmcp.utilities.tests import asgi_server

from servers.crm.inputs import NewCustomer, NewTicket
from servers.crm.server import build_server
from tests.support.eras import LEGACY


@pytest.fixture
async def suite(crm, tenant):
    """The CRM mounted in a suite that checks bearer tokens carrying a tenant claim."""
    owner = (await crm.create_customer(tenant, "t", NewCustomer(name="Ada", email="a@example.com"))).customer
    ticket = (await crm.create_ticket(tenant, "t", NewTicket(
        customer_id=owner.id, subject="Invoice", body="Need VAT.", category="billing"))).ticket
    verifier = StaticTokenVerifier(tokens={
        "own": {"client_id": "desk", "sub": "alice", "tenant": tenant, "scopes": []},
        "rival": {"client_id": "desk", "sub": "mallory", "tenant": f"{tenant}-x", "scopes": []},
    })
    parent = FastMCP("suite", auth=verifier)
    parent.mount(build_server(crm, default_tenant="nobody", load_demo=False), namespace="crm")
    async with asgi_server(parent) as running:
        yield running, ticket


def client(running, token: str, era: str):
    return running.client(auth=token, mode="legacy" if era == LEGACY else era)


async def test_each_token_sees_only_its_tenant(suite, era):
    running, ticket = suite
    async with client(running, "own", era) as own:
        read = await own.call_tool("crm_get_ticket", {"ticket_id": ticket.id})
        changed = await own.call_tool("crm_update_ticket", {
            "ticket_id": ticket.id, "expected_version": 1, "status": "open"})
    async with client(running, "rival", era) as rival:
        with pytest.raises(ToolError, match=f"ticket_id: no ticket '{ticket.id}'"):
            await rival.call_tool("crm_get_ticket", {"ticket_id": ticket.id})
        with pytest.raises(ToolError, match="ticket_id: no ticket"):
            await rival.call_tool("crm_add_note", {"ticket_id": ticket.id, "body": "peek"})
        found = await rival.call_tool("crm_find_customers", {"email": "a@example.com"})
    assert read.structured_content["ticket"]["subject"] == "Invoice"
    assert changed.structured_content["ticket"]["version"] == 2
    assert found.structured_content["customers"] == []


async def test_changes_are_audited_under_the_tokens_subject(suite, crm, tenant, era):
    running, ticket = suite
    async with client(running, "own", era) as own:
        await own.call_tool("crm_add_note", {"ticket_id": ticket.id, "body": "Checked."})
    history = (await crm.get_ticket(tenant, ticket.id)).history
    assert history[-1].action == "note.added" and history[-1].actor == "alice"


async def test_no_token_no_access(suite):
    running, _ = suite
    async with running.http_client() as http:
        response = await http.post(running.url, json={"jsonrpc": "2.0", "id": 1,
                                                      "method": "tools/list"})
    assert response.status_code == 401
