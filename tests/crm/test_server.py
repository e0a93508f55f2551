"""The CRM server through a real MCP client, in memory, in both protocol eras and backends."""

import json
import logging

import pytest
from fastmcp.exceptions import ToolError

from events import EventPayload, parse_payload
from servers.crm.inputs import NewCustomer, NewTicket
from servers.crm.server import build_server
from tests.support.eras import client_for

READS = {"find_customers", "get_customer", "list_tickets", "get_ticket", "customer_timeline"}
WRITES = {
    "create_customer", "update_customer", "create_ticket", "update_ticket", "add_message", "add_note"
}
EMAIL, PHONE = "river.song@example.org", "+44 20 7946 0777"


@pytest.fixture
async def seeded(crm, tenant):
    """A customer with contact details and one ticket, in the test's tenant."""
    customer = (await crm.create_customer(tenant, "setup", NewCustomer(
        name="River Song", email=EMAIL, phone=PHONE, company="Tardis Travel",
        tier="enterprise", vip=True, locale="en-GB"))).customer
    ticket = (await crm.create_ticket(tenant, "setup", NewTicket(
        customer_id=customer.id, subject="Webhooks not delivered", body="Nothing since 10:00.",
        category="integrations", priority="high"))).ticket
    return customer, ticket


@pytest.fixture
def server(crm, tenant, publisher, seeded):
    return build_server(crm, publisher=publisher, default_tenant=tenant, load_demo=False)


async def test_tools_are_typed_described_and_honestly_annotated(server, era):
    async with client_for(server, era) as client:
        tools = {tool.name: tool for tool in await client.list_tools()}
        templates = {t.uri_template for t in await client.list_resource_templates()}
    assert set(tools) == READS | WRITES
    for name, tool in tools.items():
        hints = tool.annotations
        assert tool.description and len(tool.description) > 40, name
        assert tool.output_schema and tool.output_schema["type"] == "object", name
        assert hints.read_only_hint is (name in READS), name
        assert hints.destructive_hint is False and hints.open_world_hint is False, name
        assert hints.idempotent_hint is not None, name
        assert "tenant" not in tool.input_schema["properties"], name
    assert {"crm://customers/{customer_id}", "crm://tickets/{ticket_id}"} <= templates
    limit = tools["list_tickets"].input_schema["properties"]["limit"]
    assert (limit["minimum"], limit["maximum"]) == (1, 100)


async def test_a_support_agent_works_a_ticket_end_to_end(server, seeded, era, publisher):
    customer, ticket = seeded
    async with client_for(server, era) as client:
        found = await client.call_tool("find_customers", {"email": "river.song"})
        [summary] = found.structured_content["customers"]
        profile = await client.call_tool("get_customer", {"customer_id": summary["id"]})
        created = await client.call_tool("create_ticket", {
            "customer_id": customer.id, "subject": "Refund for the duplicate charge",
            "body": "Charged twice.", "category": "billing", "priority": "urgent",
            "request_id": "req-77"})
        new_id = created.structured_content["ticket"]["id"]
        updated = await client.call_tool("update_ticket", {
            "ticket_id": new_id, "expected_version": 1, "status": "open", "assignee": "maya"})
        await client.call_tool("add_message", {"ticket_id": new_id, "body": "Refunded."})
        await client.call_tool("add_note", {"ticket_id": new_id, "body": "Ref 12."})
        detail = await client.call_tool("get_ticket", {"ticket_id": new_id})
        listed = await client.call_tool("list_tickets", {"customer_id": customer.id,
                                                         "status": ["open", "new"]})
        timeline = await client.call_tool("customer_timeline", {"customer_id": customer.id})
    assert summary["email"] == EMAIL and summary["vip"] is True
    assert profile.structured_content["customer"]["phone"] == PHONE
    assert profile.structured_content["recent_tickets"][0]["id"] == ticket.id
    assert created.structured_content["created"] is True
    assert updated.structured_content["changes"]["status"] == ["new", "open"]
    body = detail.structured_content
    assert body["ticket"]["version"] == 2 and body["ticket"]["assignee"] == "maya"
    assert [m["author"] for m in body["messages"]] == ["local"]  # the stdio/default principal
    assert [n["body"] for n in body["notes"]] == ["Ref 12."]
    assert {t["id"] for t in listed.structured_content["tickets"]} == {ticket.id, new_id}
    assert timeline.structured_content["entries"][0]["kind"] == "note"
    # The agent's reply came within the hour: the first-response target was met.
    domain = [e.type for e in publisher.events if e.type != "tool.called"]
    assert domain == ["customer.created", "ticket.created", "ticket.created", "ticket.updated",
                      "sla.met"]
    # Every tool call is one tool.called event too (published in the background).
    assert publisher.of_type("tool.called")
    assert body["ticket"]["first_response_at"] is not None
    assert all(isinstance(parse_payload(e), EventPayload) for e in publisher.events)


async def test_a_stale_version_is_a_conflict_the_caller_can_read(server, seeded, era):
    _, ticket = seeded
    async with client_for(server, era) as client:
        await client.call_tool("update_ticket", {"ticket_id": ticket.id, "expected_version": 1,
                                                 "priority": "urgent"})
        with pytest.raises(ToolError, match="expected_version: .* at version 2, not 1"):
            await client.call_tool("update_ticket", {"ticket_id": ticket.id,
                                                     "expected_version": 1, "status": "closed"})


async def test_retrying_with_a_request_id_returns_the_same_ticket(server, seeded, era):
    customer, _ = seeded
    call = {"customer_id": customer.id, "subject": "s", "body": "b", "category": "plans",
            "request_id": "req-9"}
    async with client_for(server, era) as client:
        first = await client.call_tool("create_ticket", call)
        again = await client.call_tool("create_ticket", call)
    assert again.structured_content["ticket"] == first.structured_content["ticket"]
    assert again.structured_content["created"] is False


async def test_a_ticket_opened_with_its_reply_is_answered_once(server, seeded, era):
    customer, _ = seeded
    call = {"customer_id": customer.id, "subject": "Invoice", "body": "Where is it?",
            "category": "billing", "request_id": "req-10", "reply": "Under Settings > Billing.",
            "reply_key": "run-10:reply", "status": "resolved"}
    async with client_for(server, era) as client:
        first = (await client.call_tool("create_ticket", call)).structured_content
        again = (await client.call_tool("create_ticket", call)).structured_content
        ticket = (await client.call_tool(
            "get_ticket", {"ticket_id": first["ticket"]["id"]})).structured_content
    assert first["created"] and first["reply"]["created"]
    assert first["ticket"]["status"] == "resolved" and first["ticket"]["first_response_at"]
    assert not again["created"] and not again["reply"]["created"]
    assert again["reply"]["message"] == first["reply"]["message"]
    assert [(m["author_type"], m["body"]) for m in ticket["messages"]] == [
        ("agent", "Under Settings > Billing.")]


async def test_retrying_a_note_with_its_key_returns_the_same_note(server, seeded, era):
    _, ticket = seeded
    call = {"ticket_id": ticket.id, "body": "Escalated to tier 2.", "idempotency_key": "run-3:note"}
    async with client_for(server, era) as client:
        described = {t.name: t for t in await client.list_tools()}["add_note"]
        first = await client.call_tool("add_note", call)
        again = await client.call_tool("add_note", call)
        with pytest.raises(ToolError, match="^idempotency_key: 'run-3:note' .* different note"):
            await client.call_tool("add_note", {**call, "body": "Something else."})
        detail = await client.call_tool("get_ticket", {"ticket_id": ticket.id})
    assert (first.structured_content["created"], again.structured_content["created"]) == (
        True, False)
    assert again.structured_content["note"] == first.structured_content["note"]
    assert len(detail.structured_content["notes"]) == 1
    # Without a key a repeat adds again, so the tool as a whole does not claim idempotence.
    assert described.annotations.idempotent_hint is False
    assert "idempotency_key" in described.description
    assert "idempotency_key" in described.input_schema["properties"]


async def test_resources_serve_customers_and_tickets(server, seeded, era):
    customer, ticket = seeded
    async with client_for(server, era) as client:
        profile = json.loads((await client.read_resource(customer.uri))[0].text)
        detail = json.loads((await client.read_resource(ticket.uri))[0].text)
        with pytest.raises(Exception, match="ticket_id: no ticket 'T-999999'"):
            await client.read_resource("crm://tickets/T-999999")
    assert profile["customer"]["id"] == customer.id and profile["open_tickets"] == 1
    assert detail["ticket"]["subject"] == "Webhooks not delivered"


@pytest.mark.parametrize(
    ("tool", "arguments", "field"),
    [
        ("get_customer", {"customer_id": "42"}, "customer_id"),
        ("get_customer", {"customer_id": "C-999999"}, "customer_id"),
        ("get_ticket", {}, "ticket_id"),
        ("find_customers", {"limit": 0}, "limit"),
        ("find_customers", {"tier": "gold"}, "tier"),
        ("list_tickets", {"status": ["done"]}, "status"),
        ("list_tickets", {"created_after": "2026-01-01T00:00:00"}, "created_after"),
        ("list_tickets", {"cursor": "bogus"}, "cursor"),
        ("list_tickets", {"created_after": "2026-02-01T00:00:00Z",
                          "created_before": "2026-01-01T00:00:00Z"}, "created_before"),
        ("create_ticket", {"customer_id": "C-000001", "subject": "", "body": "b",
                           "category": "billing"}, "subject"),
        ("create_ticket", {"customer_id": "C-000001", "subject": "s", "body": "b",
                           "category": "hardware"}, "category"),
        ("create_ticket", {"customer_id": "C-000001", "subject": "s", "body": "b",
                           "category": "bugs", "request_id": "has spaces"}, "request_id"),
        ("create_ticket", {"customer_id": "C-000001", "subject": "s", "body": "b",
                           "category": "bugs", "status": "resolved"}, "^status: "),
        ("create_ticket", {"customer_id": "C-000001", "subject": "s", "body": "b",
                           "category": "bugs", "reply_key": "k"}, "^reply_key: "),
        ("create_ticket", {"customer_id": "C-000001", "subject": "s", "body": "b",
                           "category": "bugs", "reply": "hi", "status": "done"}, "status"),
        ("update_ticket", {"ticket_id": "T-000001", "expected_version": 0,
                           "status": "open"}, "expected_version"),
        ("update_ticket", {"ticket_id": "T-000001", "expected_version": 1}, "changes"),
        ("update_ticket", {"ticket_id": "T-000001", "expected_version": 1,
                           "priority": "asap"}, "priority"),
        ("add_message", {"ticket_id": "T-000001", "body": "x",
                         "author_type": "bot"}, "author_type"),
        ("add_note", {"ticket_id": "T-000001", "body": ""}, "body"),
        ("add_note", {"ticket_id": "T-000001", "body": "x",
                      "idempotency_key": "has spaces"}, "idempotency_key"),
    ],
)
async def test_bad_input_is_a_tool_error_naming_the_field(server, era, tool, arguments, field):
    async with client_for(server, era) as client:
        with pytest.raises(ToolError, match=field):
            await client.call_tool(tool, arguments)


async def test_emails_and_phones_never_reach_the_logs(server, seeded, era, caplog):
    customer, ticket = seeded
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")  # every SQL statement, too
    async with client_for(server, era) as client:
        await client.call_tool("find_customers", {"email": EMAIL})
        await client.call_tool("get_customer", {"customer_id": customer.id})
        await client.read_resource(customer.uri)
        await client.call_tool("add_message", {
            "ticket_id": ticket.id, "author_type": "customer",
            "body": f"Call me on {PHONE} or write to {EMAIL}."})
        await client.call_tool("get_ticket", {"ticket_id": ticket.id})
        with pytest.raises(ToolError):
            await client.call_tool("create_ticket", {"customer_id": "C-999999", "subject": EMAIL,
                                                     "body": PHONE, "category": "bugs"})
    statements = [r for r in caplog.records if r.name.startswith("sqlalchemy.engine")]
    assert len(statements) > 10, "no SQL was logged: the check below would prove nothing"
    logged = "\n".join(
        record.getMessage() + (record.exc_text or "") for record in caplog.records
    )
    for secret in (EMAIL, PHONE, PHONE.replace(" ", "")):
        assert secret not in logged
