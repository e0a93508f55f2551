"""The workflow server in real processes: inside the suite over HTTP, and alone, resuming a
run the suite left waiting (shared stores in one data directory). One era each, to keep the
two process starts to one test; every tool is tested in both eras in memory."""

import httpx

from tests.orchestrator.requests import PASSWORD, REFUND
from tests.support.eras import LEGACY, MODERN, client_for
from tests.support.processes import http_server
from tests.support.services import await_until


async def test_the_suite_then_the_workflow_server_alone_over_http(data_dir):
    with http_server("all", data_dir=data_dir) as suite:
        async with client_for(suite.mcp_url, LEGACY) as client:
            tools = {tool.name: tool for tool in await client.list_tools()}
            resolved = (await client.call_tool("triage_and_resolve", PASSWORD)).structured_content
            refund = (await client.call_tool("triage_and_resolve", REFUND)).structured_content
            pending = (
                await client.call_tool("workflow_list_pending_approvals", {})
            ).structured_content
            detail = (
                await client.call_tool("workflow_get_request",
                                       {"request_id": resolved["request_id"]})
            ).structured_content

            async def counted():
                out = (await client.call_tool("workflow_request_analytics", {}))
                return out.structured_content if out.structured_content["total"] == 2 else None

            analytics = await await_until(counted, timeout=15, what="both runs counted")

    assert tools["workflow_list_requests"].annotations.read_only_hint is True
    assert tools["workflow_decide_approval"].annotations.read_only_hint is False
    assert tools["workflow_decide_approval"].annotations.idempotent_hint is False
    assert [a["approval_id"] for a in pending["approvals"]] == [refund["approval"]["approval_id"]]
    assert [e["type"] for e in detail["timeline"]][-1] == "request.resolved"
    assert analytics["by_route"] == {"resolved": 1, "approval": 1}

    # The suite is gone; the workflow server alone decides the approval it left behind.
    with http_server("workflow", data_dir=data_dir) as alone:
        assert httpx.get(f"{alone.base_url}/readyz").status_code == 200
        async with client_for(alone.mcp_url, MODERN) as client:
            names = {tool.name for tool in await client.list_tools()}
            done = (
                await client.call_tool(
                    "decide_approval",
                    {"approval_id": refund["approval"]["approval_id"], "decision": "edit",
                     "edited_reply": "Hi Carmen, we have refunded the annual plan in full."},
                )
            ).structured_content
            listed = (await client.call_tool("list_requests", {})).structured_content

    assert "triage_and_resolve" not in names and "decide_approval" in names
    assert done["status"] == "resolved" and done["run_id"] == refund["run_id"]
    assert done["reply"] == "Hi Carmen, we have refunded the annual plan in full."
    assert {r["run_id"]: r["status"] for r in listed["requests"]} == {
        resolved["run_id"]: "resolved", refund["run_id"]: "resolved"
    }
