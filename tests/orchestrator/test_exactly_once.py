"""Side effects happen once even when LangGraph runs the final step again."""

from fastmcp import Client

from orchestrator.deps import Deps
from servers.identity import Caller
from tests.orchestrator.requests import PASSWORD
from tests.orchestrator.test_resolve_routes import read_ticket


async def test_running_the_final_step_again_writes_nothing_twice(resolve_server):
    rig = resolve_server()
    async with Client(rig.server) as client:
        out = (await client.call_tool("triage_and_resolve", PASSWORD)).structured_content
        graph = rig.orchestrator.graph
        tools = rig.orchestrator.tools.acting_for(Caller("demo", "local"))
        config = {"configurable": {"thread_id": out["run_id"]}}
        # Rewind to just before finalize, as a crash after its writes would leave it.
        await graph.aupdate_state(config, {"outcome": None}, as_node="escalation")
        deps = Deps(tools=tools, engine=rig.orchestrator.engine, publisher=rig.publisher)
        async for _ in graph.astream(None, config, context=deps):
            pass
        again = (await graph.aget_state(config)).values
        memory = await tools.memory_context("C-000002", PASSWORD["message"], out["request_id"])
    async with Client(rig.crm) as crm:
        tickets = (
            await crm.call_tool("list_tickets", {"customer_id": "C-000002", "limit": 50})
        ).structured_content

    assert again["outcome"]["ticket_id"] == out["ticket_id"]
    assert again["actions"].count("reply added to the ticket thread") == 2  # attempted twice…
    ticket = await read_ticket(rig.crm, out["ticket_id"])
    assert [m["author_type"] for m in ticket["messages"]].count("agent") == 1  # …written once
    assert [t["subject"] for t in tickets["tickets"]].count(PASSWORD["subject"]) == 1
    assert [t["role"] for t in memory["turns"]] == ["customer", "agent"]
    resolutions = [m for m in memory["memories"] if m["kind"] == "resolution"]
    assert len(resolutions) == 1
