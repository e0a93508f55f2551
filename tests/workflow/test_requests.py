"""Listing and reading requests: the trace, the approval record and the event timeline."""

import pytest
from fastmcp.exceptions import ToolError

from tests.orchestrator.requests import GIBBERISH, PASSWORD, REFUND

AGENTS = ["supervisor", "triage", "research", "solution", "quality", "escalation", "finalize"]


async def test_a_resolved_request_is_listed_with_its_trace_and_timeline(rig, era):
    async with rig.clients(era) as (orchestrator, workflow):
        run = (await orchestrator.call_tool("triage_and_resolve", PASSWORD)).structured_content
        # The ticket's events reach the log through the CRM's outbox, on their own time: read
        # the timeline twice (by request and by run) only once they are all there.
        await rig.crm_relayed()
        page = (await workflow.call_tool("list_requests", {})).structured_content
        detail = (
            await workflow.call_tool("get_request", {"request_id": run["request_id"]})
        ).structured_content
        by_run = (
            await workflow.call_tool("get_request", {"request_id": run["run_id"]})
        ).structured_content

    [listed] = page["requests"]
    assert listed["run_id"] == run["run_id"] and listed["status"] == "resolved"
    assert listed["customer_id"] == "C-000002" and listed["category"] == "account"
    assert page["next_cursor"] is None

    assert detail == by_run
    assert detail["request"]["status"] == "resolved" and detail["runs"] == [run["run_id"]]
    trace = detail["outcome"]["trace"]
    assert [step["agent"] for step in trace] == AGENTS
    # The steps that call other servers take measurable time.
    assert sum(step["duration_ms"] for step in trace) > 0
    research = next(step for step in trace if step["agent"] == "solution")
    assert "kb://articles/account-reset-password" in research["citations"]
    assert detail["approval"] is None

    timeline = detail["timeline"]
    types = [event["type"] for event in timeline]
    assert types[0] == "request.received" and types[-1] == "request.resolved"
    assert "request.triaged" in types
    assert {e["run_id"] for e in timeline if e["type"].startswith("request.")} == {run["run_id"]}
    assert "ticket.created" in types  # the CRM's events about the request's ticket too
    triaged = next(e for e in timeline if e["type"] == "request.triaged")
    assert triaged["details"]["category"] == "account"
    resolved = timeline[-1]["details"]
    assert resolved["route"] == "resolved" and resolved["ticket_id"] == run["ticket_id"]
    # Only labels and ids: no message text, no customer contact details.
    assert "bob@example.com" not in str(timeline) and "password?" not in str(timeline)


async def test_an_escalated_request_shows_its_route(rig, era):
    async with rig.clients(era) as (orchestrator, workflow):
        run = (await orchestrator.call_tool("triage_and_resolve", GIBBERISH)).structured_content
        detail = (
            await workflow.call_tool("get_request", {"request_id": run["run_id"]})
        ).structured_content
        escalated = (
            await workflow.call_tool("list_requests", {"status": "escalated"})
        ).structured_content
    assert detail["request"]["status"] == "escalated"
    assert detail["timeline"][-1]["type"] == "request.escalated"
    assert detail["timeline"][-1]["details"]["route"] == "escalated"
    assert [r["run_id"] for r in escalated["requests"]] == [run["run_id"]]


async def test_an_unknown_request_is_an_error_naming_the_field(rig, era):
    async with rig.clients(era) as (_, workflow):
        with pytest.raises(ToolError, match="request_id: no request or run 'req-nope'"):
            await workflow.call_tool("get_request", {"request_id": "req-nope"})
        with pytest.raises(ToolError, match="request_id"):
            await workflow.call_tool("get_request", {"request_id": "bad id!"})


async def test_the_request_resource_matches_the_tool(rig, era):
    async with rig.clients(era) as (orchestrator, workflow):
        run = (await orchestrator.call_tool("triage_and_resolve", REFUND)).structured_content
        tool = (
            await workflow.call_tool("get_request", {"request_id": run["request_id"]})
        ).structured_content
        [content] = await workflow.read_resource(f"workflow://requests/{run['request_id']}")
    import json

    assert json.loads(content.text) == tool
    assert tool["request"]["status"] == "pending_approval"
    assert tool["approval"]["status"] == "pending"
    assert tool["approval"]["proposed"]["refund"]["requested"] is True
