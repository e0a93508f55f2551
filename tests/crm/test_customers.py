"""Customers as a support team meets them: created on first contact, identified by email or by
an external id (a chat visitor), updated with optimistic concurrency — through a real client."""

import asyncio
import json

import pytest
from fastmcp.exceptions import ToolError

from events import parse_payload
from events.types import CustomerCreated, CustomerUpdated
from servers.crm.inputs import CustomerFilters, NewCustomer
from servers.crm.server import build_server
from tests.support.eras import client_for


@pytest.fixture
def server(crm, tenant, publisher):
    return build_server(crm, publisher=publisher, default_tenant=tenant, load_demo=False)


async def test_a_new_email_creates_one_customer_and_a_repeat_returns_it(server, era, publisher):
    async with client_for(server, era) as client:
        first = await client.call_tool("create_customer", {
            "email": "  Ana.Lima@Example.COM ", "name": "Ana Lima", "company": "Lima Ltda"})
        again = await client.call_tool("create_customer", {"email": "ana.lima@example.com",
                                                           "name": "Someone Else"})
    created, repeated = first.structured_content, again.structured_content
    assert created["created"] is True and repeated["created"] is False
    assert repeated["customer"] == created["customer"]
    assert created["customer"]["email"] == "ana.lima@example.com"
    assert created["customer"]["name"] == "Ana Lima"
    assert created["customer"]["tier"] == "free" and created["customer"]["version"] == 1
    [event] = publisher.of_type("customer.created")
    payload = parse_payload(event)
    assert isinstance(payload, CustomerCreated)
    assert payload.customer_id == created["customer"]["id"] and payload.identified_by == ["email"]
    assert "lima" not in event.model_dump_json().lower()  # ids and labels, never contact data


async def test_create_customer_can_answer_with_the_profile_new_or_returning(server, era):
    async with client_for(server, era) as client:
        async def create(**extra):
            return (await client.call_tool("create_customer", {
                "email": "ivo@example.com", **extra})).structured_content

        new = await create(include_profile=True)
        ticket = (await client.call_tool("create_ticket", {
            "customer_id": new["customer"]["id"], "subject": "Export",
            "body": "How do I export?", "category": "data-export"})).structured_content
        returning = await create(include_profile=True)
        plain = await create()
        read = (await client.call_tool("get_customer", {
            "customer_id": new["customer"]["id"]})).structured_content
    assert new["created"] is True and new["profile"] == {
        "customer": new["customer"], "subscriptions": [], "open_tickets": 0,
        "recent_tickets": []}
    assert returning["created"] is False and returning["profile"] == read
    assert [t["id"] for t in read["recent_tickets"]] == [ticket["ticket"]["id"]]
    assert read["open_tickets"] == 1
    assert plain["profile"] is None


async def test_the_default_tier_of_a_new_customer_comes_from_settings(crm, tenant):
    crm.new_customer_tier = "pro"
    created = await crm.create_customer(tenant, "t", NewCustomer(email="p@example.com"))
    assert created.customer.tier == "pro" and created.customer.name == "p"


async def test_a_chat_visitor_is_known_by_visitor_id_then_given_an_email_keeping_history(
    server, era, crm, tenant
):
    async with client_for(server, era) as client:
        visitor = (await client.call_tool("create_customer", {
            "external_ids": ["chat:v_8f3a2c"]})).structured_content
        customer = visitor["customer"]
        assert visitor["created"] is True and customer["email"] is None
        assert customer["name"] == "Visitor v_8f3a2c"
        ticket = await client.call_tool("create_ticket", {
            "customer_id": customer["id"], "subject": "Export", "body": "How do I export?",
            "category": "data-export"})
        same = (await client.call_tool("create_customer", {
            "external_ids": ["chat:v_8f3a2c"]})).structured_content
        updated = (await client.call_tool("update_customer", {
            "customer_id": customer["id"], "expected_version": 1,
            "email": "visitor@example.org", "name": "Vera Visitor"})).structured_content
        found = (await client.call_tool("find_customers", {
            "external_id": "chat:v_8f3a2c"})).structured_content
        profile = (await client.call_tool("get_customer", {
            "customer_id": customer["id"]})).structured_content
        timeline = (await client.call_tool("customer_timeline", {
            "customer_id": customer["id"]})).structured_content
        # Known by email now: the same person writing from their address is the same customer.
        again = await crm.create_customer(tenant, "t", NewCustomer(email="visitor@example.org"))
    assert same["created"] is False and same["customer"]["id"] == customer["id"]
    assert updated["changes"]["email"] == [None, "visitor@example.org"]
    assert updated["customer"]["version"] == 2
    assert [c["id"] for c in found["customers"]] == [customer["id"]]
    assert profile["customer"]["email"] == "visitor@example.org"
    assert profile["customer"]["external_ids"] == ["chat:v_8f3a2c"]
    assert [t["id"] for t in profile["recent_tickets"]] == [
        ticket.structured_content["ticket"]["id"]]
    kinds = [entry["kind"] for entry in timeline["entries"]]
    assert kinds[0] == "customer_updated" and "ticket_created" in kinds
    assert again.created is False and again.customer.id == customer["id"]


async def test_update_customer_records_an_audit_entry_and_an_event_without_values(
    server, era, crm, tenant, publisher
):
    customer = (await crm.create_customer(tenant, "t", NewCustomer(email="u@example.com"))).customer
    async with client_for(server, era) as client:
        await client.call_tool("update_customer", {
            "customer_id": customer.id, "expected_version": 1, "tier": "enterprise",
            "vip": True, "locale": "es", "company": "Acme", "external_ids": ["zendesk:42"]})
        cleared = (await client.call_tool("update_customer", {
            "customer_id": customer.id, "expected_version": 2, "company": ""})).structured_content
    assert cleared["changes"] == {"company": ["Acme", None]}
    events = [parse_payload(e) for e in publisher.of_type("customer.updated")]
    assert all(isinstance(e, CustomerUpdated) for e in events)
    assert events[0].fields == ["company", "external_ids", "locale", "tier", "vip"]
    assert "Acme" not in json.dumps([e.model_dump() for e in events])
    await crm.open()  # the server's lifespan closed it with the client
    async with crm.database.read() as conn:
        from sqlalchemy import select

        from servers.crm.store.tables import audit_log

        rows = (await conn.execute(select(audit_log.c.action, audit_log.c.after).where(
            audit_log.c.tenant == tenant).order_by(audit_log.c.id))).all()
    assert [r.action for r in rows] == ["customer.created", "customer.updated", "customer.updated"]
    assert rows[1].after["tier"] == "enterprise" and rows[2].after == {"company": None}


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({}, "email"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@example.com", "tier": "gold"}, "tier"),
        ({"external_ids": ["no colon here"]}, "external_ids"),
        ({"email": "a@example.com", "locale": "english please"}, "locale"),
    ],
)
async def test_create_customer_refuses_bad_input_naming_the_field(server, era, arguments, field):
    async with client_for(server, era) as client:
        with pytest.raises(ToolError, match=field):
            await client.call_tool("create_customer", arguments)


async def test_update_customer_conflicts_name_the_field(server, era, crm, tenant):
    one = (await crm.create_customer(tenant, "t", NewCustomer(email="one@example.com",
                                                              external_ids=["chat:1"]))).customer
    two = (await crm.create_customer(tenant, "t", NewCustomer(email="two@example.com"))).customer
    async with client_for(server, era) as client:
        with pytest.raises(ToolError, match="expected_version: customer .* is at version 1"):
            await client.call_tool("update_customer", {
                "customer_id": two.id, "expected_version": 5, "name": "Two"})
        with pytest.raises(ToolError, match="^email: another customer"):
            await client.call_tool("update_customer", {
                "customer_id": two.id, "expected_version": 1, "email": "one@example.com"})
        with pytest.raises(ToolError, match=f"^external_ids: 'chat:1' already belongs to customer {one.id}"):
            await client.call_tool("update_customer", {
                "customer_id": two.id, "expected_version": 1, "external_ids": ["chat:1"]})
        with pytest.raises(ToolError, match="^changes: give at least one"):
            await client.call_tool("update_customer", {
                "customer_id": two.id, "expected_version": 1})
    await crm.open()
    profile = await crm.get_customer(tenant, two.id)
    assert profile.customer.version == 1 and profile.customer.email == "two@example.com"


async def test_another_tenants_customer_cannot_be_seen_updated_or_matched(crm, tenant):
    theirs = (await crm.create_customer("elsewhere-" + tenant, "t", NewCustomer(
        email="shared@example.com", external_ids=["chat:same"]))).customer
    mine = await crm.create_customer(tenant, "t", NewCustomer(
        email="shared@example.com", external_ids=["chat:same"]))
    assert mine.created is True and mine.customer.id != theirs.id
    server = build_server(crm, default_tenant=tenant, load_demo=False)
    async with client_for(server, "2026-07-28") as client:
        with pytest.raises(ToolError, match="customer_id: no customer"):
            await client.call_tool("update_customer", {
                "customer_id": theirs.id, "expected_version": 1, "name": "Mine now"})


async def test_concurrent_first_requests_from_one_address_create_one_customer(
    crm, tenant, publisher
):
    outcomes = await asyncio.gather(*(
        crm.create_customer(tenant, f"caller-{n}", NewCustomer(email="rush@example.com"),
                            include_profile=n % 2 == 0)
        for n in range(12)
    ))
    assert len({o.customer.id for o in outcomes}) == 1
    assert sum(o.created for o in outcomes) == 1
    # Each that asked has the profile, whichever way it found the customer (read or write).
    profiles = [o.profile for n, o in enumerate(outcomes) if n % 2 == 0]
    assert all(p is not None and p.customer == o.customer
               for p, o in zip(profiles, outcomes[::2], strict=True))
    assert len(publisher.of_type("customer.created")) == 1
    page = await crm.find_customers(tenant, CustomerFilters(email="rush@example.com"))
    assert len(page.customers) == 1
