"""Side effects happen once even when LangGraph runs the final step again."""

from contextlib import asynccontextmanager

from fastmcp import Client
from langgraph.types import Command

from orchestrator.deps import Deps
from servers.identity import Caller
from tests.orchestrator.requests import GIBBERISH, PASSWORD
from tests.orchestrator.test_resolve_routes import read_ticket
from tests.support.services import await_until


def memory_tool_calls(rig, tool: str | None = None, at_least: int = 0):
    """(tool, outcome) of each tool.called event of the memory server, or None while fewer
    than ``at_least`` of ``tool`` have been published (they are published in the background)."""
    calls = [(e.payload["tool"], e.payload["outcome"]) for e in rig.publisher.events
             if e.type == "tool.called" and e.payload["server"] == "memory"
             and tool in (None, e.payload["tool"])]
    return None if len(calls) < at_least else calls


@asynccontextmanager
async def finalized_twice(rig, request: dict):
    """Resolve ``request``, then run its final step again as a crash after the step's writes
    would make LangGraph do. Yields the first outcome, the state after the second run, and
    the run's tools (usable while the orchestrator is still up, inside the block)."""
    async with Client(rig.server) as client:
        out = (await client.call_tool("triage_and_resolve", request)).structured_content
        graph = rig.orchestrator.graph
        tools = rig.orchestrator.tools.acting_for(Caller("demo", "local"))
        config = {"configurable": {"thread_id": out["run_id"]}}
        # Rewind to just before finalize, as a crash after its writes would leave it.
        await graph.aupdate_state(config, {"outcome": None}, as_node="escalation")
        deps = Deps(tools=tools, engine=rig.orchestrator.engine, publisher=rig.publisher)
        async for _ in graph.astream(Command(goto="finalize"), config, context=deps):
            pass
        again = (await graph.aget_state(config)).values
        yield out, again, tools


async def test_running_the_final_step_again_writes_nothing_twice(resolve_server):
    rig = resolve_server()
    async with finalized_twice(rig, PASSWORD) as (out, again, tools):
        memory = await tools.memory_context("C-000002", PASSWORD["message"], out["request_id"])
    async with Client(rig.crm) as crm:
        tickets = (
            await crm.call_tool("list_tickets", {"customer_id": "C-000002", "limit": 50})
        ).structured_content

    assert again["outcome"]["ticket_id"] == out["ticket_id"]
    assert again["actions"].count(f"ticket {out['ticket_id']} ready") == 2  # run twice…
    # …the repeat found its reply already on the ticket, and says so
    assert again["actions"].count("reply added to the ticket thread") == 1
    ticket = await read_ticket(rig.crm, out["ticket_id"])
    assert [m["author_type"] for m in ticket["messages"]].count("agent") == 1  # …written once
    assert [t["subject"] for t in tickets["tickets"]].count(PASSWORD["subject"]) == 1
    assert [t["role"] for t in memory["turns"]] == ["customer", "agent"]
    resolutions = [m for m in memory["memories"] if m["kind"] == "resolution"]
    assert len(resolutions) == 1
    # The conversation is recorded without reading the session first, and nothing failed on
    # the way (a new session used to cost a failed get_session call).
    async def both_runs_appended():
        return memory_tool_calls(rig, "append_turns", at_least=2)

    await await_until(both_runs_appended, what="the append_turns calls of both runs")
    assert memory_tool_calls(rig, "get_session") == []
    assert [c for c in memory_tool_calls(rig) if c[1] == "error"] == []


async def test_running_the_final_step_of_an_escalation_again_adds_one_note(resolve_server):
    rig = resolve_server()
    async with finalized_twice(rig, GIBBERISH) as (out, again, tools):
        memory = await tools.memory_context("C-000002", GIBBERISH["message"], out["request_id"])
    ticket = await read_ticket(rig.crm, out["ticket_id"])

    assert out["status"] == again["outcome"]["status"] == "escalated"
    assert again["actions"].count("internal note added") == 2  # attempted twice…
    assert len(ticket["notes"]) == 1  # …written once
    assert "Escalated to a human" in ticket["notes"][0]["body"]
    assert [h["action"] for h in ticket["history"]].count("note.added") == 1
    assert [(t["role"], t["content"]) for t in memory["turns"]] == [
        ("customer", again["triage"]["redacted_message"])
    ]
