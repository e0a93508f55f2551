"""Each route of triage_and_resolve end to end through a real MCP client, both eras."""

import asyncio

import pytest
from fastmcp import Client
from fastmcp.server.middleware import Middleware
from fastmcp.exceptions import ToolError

from orchestrator.engines.base import EngineError
from orchestrator.engines.scripted import ScriptedEngine
from servers.tool_events import drain_tool_events
from tests.orchestrator.requests import GIBBERISH, PASSWORD, REFUND
from tests.support.eras import client_for
from tests.support.services import await_until

AGENTS = ["supervisor", "triage", "research", "solution", "quality", "escalation", "finalize"]


async def test_a_how_to_question_is_resolved_with_a_cited_reply(resolve_server, era,
                                                                monkeypatch):
    monkeypatch.setenv("SUPPORTDESK_ORCHESTRATOR_PROGRESS_EVERY_SECONDS", "0")  # every step
    rig = resolve_server()
    server, publisher = rig.server, rig.publisher
    progress: list[str] = []

    async def on_progress(done, total, message):
        progress.append(message)

    async with client_for(server, era, progress_handler=on_progress) as client:
        result = await client.call_tool("triage_and_resolve", PASSWORD)
        ticket = await read_ticket(rig.crm, result.structured_content["ticket_id"])
    out = result.structured_content
    assert out["status"] == "resolved"
    assert out["category"] == "account" and out["priority"] in ("low", "normal")
    assert "kb://articles/account-reset-password" in [c["uri"] for c in out["citations"]]
    assert out["reply"].startswith("Hi Bob") and "[1]" in out["reply"]
    assert [step["agent"] for step in out["trace"]] == AGENTS
    # The steps that call other servers take measurable time.
    assert sum(step["duration_ms"] for step in out["trace"]) > 0
    assert out["approval"] is None
    assert [m["body"] for m in ticket["messages"] if m["author_type"] == "agent"] == [out["reply"]]
    assert ticket["ticket"]["status"] == "resolved"
    assert [message.split(':')[0] for message in progress] == AGENTS
    types = [e.type for e in publisher.events if e.type != "tool.called"]
    assert types[0] == "request.received" and types[-1] == "request.resolved"
    assert {e.correlation_id for e in publisher.events if e.type.startswith("request.")} == {
        out["run_id"]
    }


async def test_each_agent_is_one_graph_step_the_supervisor_routing_between(resolve_server):
    # The supervisor's routing is on every agent's edges: no step of its own between agents.
    rig = resolve_server()
    async with Client(rig.server) as client:
        out = (await client.call_tool("triage_and_resolve", PASSWORD)).structured_content
        config = {"configurable": {"thread_id": out["run_id"]}}
        final = await rig.orchestrator.graph.aget_state(config)
    assert out["status"] == "resolved"
    # The final checkpoint's step is the number of steps the run took.
    assert final.metadata["step"] == len(AGENTS)


async def test_the_ticket_is_opened_answered_and_resolved_in_one_crm_write(resolve_server):
    rig = resolve_server()
    async with Client(rig.server) as client:
        out = (await client.call_tool("triage_and_resolve", PASSWORD)).structured_content
        ticket = await read_ticket(rig.crm, out["ticket_id"])
        await drain_tool_events(rig.crm)
    assert ticket["ticket"]["status"] == "resolved"
    assert [h["action"] for h in ticket["history"]] == [
        "ticket.created", "message.added", "ticket.updated",
    ]
    crm_writes = [e.payload["tool"] for e in rig.publisher.of_type("tool.called")
                  if e.payload["server"] == "crm" and "get" not in e.payload["tool"]]
    assert crm_writes == ["create_customer", "create_ticket"]


async def test_every_server_a_resolution_reaches_publishes_its_tool_calls(resolve_server):
    rig = resolve_server()
    async with Client(rig.server) as client:
        await client.call_tool("triage_and_resolve", PASSWORD)
        await drain_tool_events(rig.server, rig.crm)
    expected = {("orchestrator", "triage_and_resolve"), ("crm", "create_ticket"),
                ("kb", "search"), ("memory", "remember")}

    async def all_published() -> bool:
        # The co-located kb and memory servers publish theirs in the background.
        events = rig.publisher.of_type("tool.called")
        return expected <= {(e.payload["server"], e.payload["tool"]) for e in events}

    await await_until(all_published, what="tool.called of every server")


async def test_a_refund_without_elicitation_waits_for_approval(resolve_server, era):
    rig = resolve_server()
    server, publisher = rig.server, rig.publisher
    async with client_for(server, era) as client:
        out = (await client.call_tool("triage_and_resolve", REFUND)).structured_content
    assert out["status"] == "pending_approval"
    assert out["approval"]["status"] == "pending"
    assert out["approval"]["approval_id"].startswith("apr-")
    assert any("money back" in reason for reason in out["approval"]["reasons"])
    assert out["reply"] and out["ticket_id"] is None  # nothing written before the decision
    assert len(publisher.of_type("approval.requested")) == 1


async def test_a_request_no_article_answers_is_escalated_to_a_human(resolve_server, era):
    rig = resolve_server()
    server = rig.server
    async with client_for(server, era) as client:
        out = (await client.call_tool("triage_and_resolve", GIBBERISH)).structured_content
        ticket = await read_ticket(rig.crm, out["ticket_id"])
    assert out["status"] == "escalated"
    assert ticket["ticket"]["assignee"] == "tier2" and ticket["ticket"]["status"] == "open"
    assert not [m for m in ticket["messages"] if m["author_type"] == "agent"]
    assert "Escalated to a human" in ticket["notes"][0]["body"]


async def test_an_agent_that_keeps_failing_ends_the_run_as_failed(resolve_server, era):
    engine = ScriptedEngine(triages=[EngineError("provider is down")])
    rig = resolve_server(engine=engine)
    server, publisher = rig.server, rig.publisher
    async with client_for(server, era) as client:
        out = (await client.call_tool("triage_and_resolve", PASSWORD)).structured_content
    assert out["status"] == "failed"
    assert "triage failed" in out["error"] and "provider is down" in out["error"]
    assert out["ticket_id"] is None
    failed = publisher.of_type("request.failed")
    assert len(failed) == 1
    assert failed[0].payload == {"stage": "triage", "error": "EngineError", "retryable": False}


async def test_progress_is_rate_limited_as_set(resolve_server, monkeypatch):
    """An hour between reports: a resolution ends before its first."""
    monkeypatch.setenv("SUPPORTDESK_ORCHESTRATOR_PROGRESS_EVERY_SECONDS", "3600")
    rig = resolve_server()
    heard: list[str] = []

    async def on_progress(done, total, message):
        heard.append(message)

    async with Client(rig.server, progress_handler=on_progress) as client:
        out = (await client.call_tool("triage_and_resolve", PASSWORD)).structured_content
    assert out["status"] == "resolved" and heard == []


class Unanswered(Middleware):
    """The server takes a call of ``tool`` and never answers it; counts the attempts."""

    def __init__(self, tool: str) -> None:
        self.tool, self.attempts = tool, 0

    async def on_call_tool(self, context, call_next):
        if context.message.name != self.tool:
            return await call_next(context)
        self.attempts += 1
        await asyncio.Event().wait()


async def test_a_server_that_stops_answering_fails_the_run_after_its_retries(
        resolve_server, monkeypatch):
    monkeypatch.setenv("SUPPORTDESK_ORCHESTRATOR_SERVER_CALL_TIMEOUT_SECONDS", "0.2")
    rig = resolve_server()
    unanswered = Unanswered("create_ticket")
    rig.crm.add_middleware(unanswered)
    async with Client(rig.server) as client:
        out = (await client.call_tool("triage_and_resolve", PASSWORD)).structured_content
    assert out["status"] == "failed"
    assert "finalize failed: TimeoutError: crm.create_ticket: no answer in time" == out["error"]
    assert unanswered.attempts == 3  # the agent's retry policy, each call cut off in time
    assert [e.payload for e in rig.publisher.of_type("request.failed")] == [
        {"stage": "finalize", "error": "TimeoutError", "retryable": True}]


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({**PASSWORD, "customer": "C-999999"}, "customer"),
        ({k: v for k, v in PASSWORD.items() if k != "customer"}, "customer"),
        ({**PASSWORD, "external_id": "no system"}, "external_id"),
        ({**PASSWORD, "message": ""}, "message"),
        ({**PASSWORD, "channel": "pigeon"}, "channel"),
        ({**PASSWORD, "request_id": "bad id!"}, "request_id"),
    ],
)
async def test_bad_input_is_a_tool_error_naming_the_field(resolve_server, era, arguments, field):
    rig = resolve_server()
    server = rig.server
    async with client_for(server, era) as client:
        with pytest.raises(ToolError, match=field):
            await client.call_tool("triage_and_resolve", arguments)


async def read_ticket(crm, ticket_id):
    """Read the ticket back through the CRM server the orchestrator wrote to."""
    from fastmcp import Client

    async with Client(crm) as client:
        return (await client.call_tool("get_ticket", {"ticket_id": ticket_id})).structured_content
