"""First contact: a customer the CRM has never seen gets a full resolution, by email or as a
chat visitor known only by the widget's visitor id — through a real MCP client, both eras."""

import asyncio

from fastmcp import Client

from servers.tool_events import drain_tool_events
from tests.orchestrator.requests import REFUND
from tests.support.eras import MODERN, client_for

EXPORT = {
    "subject": "Exporting my projects",
    "message": "Hi! How do I export all my projects to CSV?",
}


async def crm_call(crm, tool, arguments):
    async with Client(crm) as client:
        return (await client.call_tool(tool, arguments)).structured_content


async def test_a_first_time_email_is_created_and_fully_served(resolve_server, era):
    rig = resolve_server()
    async with client_for(rig.server, era) as client:
        out = (await client.call_tool("triage_and_resolve", {
            **EXPORT, "customer": "Nadia.Brun@Example.net", "customer_name": "Nadia Brun",
            "channel": "email"})).structured_content
        again = (await client.call_tool("triage_and_resolve", {
            **EXPORT, "customer": "nadia.brun@example.net"})).structured_content
        nameless = (await client.call_tool("triage_and_resolve", {
            **EXPORT, "customer": "ops.team@example.net"})).structured_content
        profile = await crm_call(rig.crm, "get_customer", {"customer_id": out["customer_id"]})
    assert out["status"] == "resolved" and out["new_customer"] is True
    assert out["reply"].startswith("Hi Nadia,") and again["reply"].startswith("Hi Nadia,")
    # The CRM lists a customer who gave no name by their email's local part; the reply does
    # not greet them by it.
    assert nameless["new_customer"] is True and nameless["reply"].startswith("Hi there,")
    assert out["reply"] and out["citations"] and out["ticket_id"]
    assert again["new_customer"] is False and again["customer_id"] == out["customer_id"]
    customer = profile["customer"]
    assert (customer["name"], customer["email"], customer["tier"], customer["vip"]) == (
        "Nadia Brun", "nadia.brun@example.net", "free", False)
    assert {t["id"] for t in profile["recent_tickets"]} == {out["ticket_id"], again["ticket_id"]}
    created = rig.publisher.of_type("customer.created")
    assert [e.payload["customer_id"] for e in created] == [
        out["customer_id"], nameless["customer_id"]]
    assert "nadia" not in created[0].model_dump_json().lower()


async def test_a_customers_profile_is_read_at_most_once_per_request(resolve_server):
    rig = resolve_server()
    async with Client(rig.server) as client:
        first = (await client.call_tool("triage_and_resolve", {
            **EXPORT, "customer": "li.wei@example.net", "customer_name": "Li Wei"})).structured_content
        again = (await client.call_tool("triage_and_resolve", {
            **EXPORT, "customer": "li.wei@example.net"})).structured_content
        by_id = (await client.call_tool("triage_and_resolve", {
            **EXPORT, "customer": first["customer_id"]})).structured_content
        await drain_tool_events(rig.crm)
    # By email, new or returning, the one create_customer call that identifies the customer
    # returns the profile; named by CRM id, it is read once, when the id is looked up.
    crm_calls = [e.payload["tool"] for e in rig.publisher.of_type("tool.called")
                 if e.payload["server"] == "crm"
                 and e.payload["tool"] in {"get_customer", "create_customer"}]
    assert crm_calls == ["create_customer", "create_customer", "get_customer"]
    assert all(out["reply"].startswith("Hi Li,") for out in (first, again, by_id))
    supervised = [[d["summary"] for d in out["trace"] if d["agent"] == "supervisor"][0]
                  for out in (first, again, by_id)]
    assert supervised[0].endswith("0 recent tickets, 0 session turns, 0 memories")
    assert "1 recent tickets" in supervised[1] and "2 recent tickets" in supervised[2]


async def test_a_malformed_email_is_refused_naming_the_customer_field(resolve_server, era):
    rig = resolve_server()
    async with client_for(rig.server, era) as client:
        result = await client.call_tool("triage_and_resolve", {**EXPORT, "customer": "@"},
                                        raise_on_error=False)
    assert result.is_error
    assert result.content[0].text.startswith("customer: not an email address")
    assert rig.publisher.of_type("customer.created") == []


async def test_a_chat_visitor_is_served_and_keeps_history_when_giving_an_email(
    resolve_server, era
):
    rig = resolve_server()
    visitor = {"external_id": "chat:v_51c0ffee", "channel": "chat"}
    async with client_for(rig.server, era) as client:
        first = (await client.call_tool("triage_and_resolve", {
            **EXPORT, **visitor})).structured_content
        second = (await client.call_tool("triage_and_resolve", {
            **visitor, "subject": "Password", "customer": "olu@example.org",
            "message": "How do I reset my password?", "request_id": first["request_id"],
        })).structured_content
        profile = await crm_call(rig.crm, "get_customer", {"customer_id": first["customer_id"]})
        by_email = (await client.call_tool("triage_and_resolve", {
            **EXPORT, "customer": "olu@example.org"})).structured_content
    assert first["status"] == "resolved" and first["new_customer"] is True
    assert first["reply"].startswith("Hi there,")  # not "Hi Visitor,"
    assert second["new_customer"] is False and second["customer_id"] == first["customer_id"]
    assert profile["customer"]["email"] == "olu@example.org"
    assert profile["customer"]["external_ids"] == ["chat:v_51c0ffee"]
    assert profile["customer"]["name"] == "Visitor v_51c0ffee"
    # One conversation, one ticket: the visitor's history stayed theirs.
    assert second["ticket_id"] == first["ticket_id"]
    assert by_email["customer_id"] == first["customer_id"]
    supervisor = next(step for step in second["trace"] if step["agent"] == "supervisor")
    assert "2 session turns" in supervisor["summary"]


async def test_concurrent_first_requests_from_one_address_make_one_customer(resolve_server):
    rig = resolve_server()
    async with client_for(rig.server, "2026-07-28") as client:
        outs = await asyncio.gather(*(
            client.call_tool("triage_and_resolve", {**EXPORT, "customer": "rush@example.com"})
            for _ in range(5)
        ))
    ids = {out.structured_content["customer_id"] for out in outs}
    assert len(ids) == 1
    assert sum(out.structured_content["new_customer"] for out in outs) == 1
    assert len(rig.publisher.of_type("customer.created")) == 1


async def test_a_new_customer_asking_for_money_back_waits_for_a_human_like_anyone(
    resolve_server, era
):
    rig = resolve_server()
    refund = {**REFUND, "customer": "first.timer@example.com"}
    async with client_for(rig.server, era) as client:
        pending = (await client.call_tool("triage_and_resolve", refund)).structured_content
        done = (await client.call_tool("resolve_approval", {
            "approval_id": pending["approval"]["approval_id"], "decision": "approve",
        })).structured_content
    assert pending["status"] == "pending_approval" and pending["new_customer"] is True
    assert done["status"] == "resolved" and done["customer_id"] == pending["customer_id"]
    assert done["new_customer"] is True  # the run's record of how it began


async def test_research_reads_the_first_article_in_its_search(resolve_server):
    """The search that finds a request's answer brings the first article's whole text with
    it: no get_article call follows for it."""
    rig = resolve_server()
    async with client_for(rig.server, MODERN) as client:
        out = (await client.call_tool("triage_and_resolve", {
            **EXPORT, "customer": "li.wei@example.net"})).structured_content
        await drain_tool_events(rig.kb)
    kb_calls = [e.payload["tool"] for e in rig.publisher.of_type("tool.called")
                if e.payload["server"] == "kb"]
    assert out["citations"] and kb_calls == ["search"]
