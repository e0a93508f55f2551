"""Pending approvals: listed, decided once by the caller, and the paused run completes."""

import json

import pytest
from fastmcp.exceptions import ToolError

from orchestrator.runner import OrchestratorError
from servers.identity import Caller
from servers.workflow.queries import RunFilters
from servers.workflow.service import WorkflowError
from tests.orchestrator.requests import REFUND


async def pending_refund(orchestrator) -> dict:
    """A refund request run by a client without elicitation: it waits for a human."""
    out = (await orchestrator.call_tool("triage_and_resolve", REFUND)).structured_content
    assert out["status"] == "pending_approval"
    return out


async def test_a_refund_waits_is_decided_once_and_completes(rig, era):
    async with rig.clients(era) as (orchestrator, workflow):
        run = await pending_refund(orchestrator)
        pending = (await workflow.call_tool("list_pending_approvals", {})).structured_content
        [content] = await workflow.read_resource("workflow://approvals/pending")
        done = await workflow.call_tool(
            "decide_approval",
            {"approval_id": run["approval"]["approval_id"], "decision": "approve"},
        )
        with pytest.raises(ToolError, match="approval_id: .* was already decided by local"):
            await workflow.call_tool(
                "decide_approval",
                {"approval_id": run["approval"]["approval_id"], "decision": "reject",
                 "reason": "too late"},
            )
        after = (await workflow.call_tool("list_pending_approvals", {})).structured_content
        detail = (
            await workflow.call_tool("get_request", {"request_id": run["request_id"]})
        ).structured_content

    [approval] = pending["approvals"]
    assert json.loads(content.text) == pending and pending["more"] is False
    assert approval["approval_id"] == run["approval"]["approval_id"]
    assert approval["run_id"] == run["run_id"] and approval["customer_id"] == "C-000003"
    assert approval["category"] == "billing" and approval["status"] == "pending"
    assert approval["proposed"]["reply"] == run["reply"]
    assert approval["proposed"]["refund"]["requested"] is True
    assert approval["proposed"]["allowed_decisions"] == ["approve", "edit", "reject"]
    assert any("money back" in reason for reason in approval["reasons"])

    out = done.structured_content
    assert out["status"] == "resolved" and out["run_id"] == run["run_id"]
    assert out["approval"]["decided_by"] == "local" and out["approval"]["decision"] == "approve"
    assert after["approvals"] == []

    assert detail["request"]["status"] == "resolved"
    assert detail["approval"]["status"] == "decided" and detail["approval"]["decided_by"] == "local"
    types = [event["type"] for event in detail["timeline"]]
    for expected in ("approval.requested", "request.escalated", "approval.decided",
                     "request.resolved"):
        assert expected in types
    assert types.index("approval.decided") < types.index("request.resolved")


async def test_reject_needs_a_reason_and_edit_needs_the_reply(rig, era):
    async with rig.clients(era) as (orchestrator, workflow):
        run = await pending_refund(orchestrator)
        approval_id = run["approval"]["approval_id"]
        with pytest.raises(ToolError, match="reason: a rejection needs a reason"):
            await workflow.call_tool(
                "decide_approval", {"approval_id": approval_id, "decision": "reject"}
            )
        with pytest.raises(ToolError, match="edited_reply: an edit needs the edited reply"):
            await workflow.call_tool(
                "decide_approval", {"approval_id": approval_id, "decision": "edit",
                                    "edited_reply": "  "}
            )
        # Neither refusal used up the approval.
        out = (
            await workflow.call_tool(
                "decide_approval",
                {"approval_id": approval_id, "decision": "reject",
                 "reason": "refunds after 14 days go to billing"},
            )
        ).structured_content
    assert out["status"] == "rejected"
    assert out["approval"]["message"] == "refunds after 14 days go to billing"


BAD_DECISIONS = [
    ({"approval_id": "apr-0000000000000000", "decision": "approve"},
     "approval_id: no approval 'apr-0000000000000000'"),
    ({"approval_id": "nope", "decision": "approve"}, "approval_id"),
    ({"approval_id": "apr-0000000000000000", "decision": "maybe"}, "decision"),
]


async def test_bad_decisions_name_the_field(rig, era):
    async with rig.clients(era) as (_, workflow):
        for arguments, message in BAD_DECISIONS:
            with pytest.raises(ToolError, match=message):
                await workflow.call_tool("decide_approval", arguments)


async def test_another_tenant_sees_and_decides_nothing(rig):
    async with rig.clients("2026-07-28") as (orchestrator, workflow):
        run = await pending_refund(orchestrator)
        service, other = rig.service, Caller(tenant="acme", principal="mallory")

        assert (await service.list_requests("acme", RunFilters())).requests == []
        assert (await service.pending_approvals("acme")).approvals == []
        with pytest.raises(WorkflowError, match="request_id: no request or run"):
            await service.get_request("acme", run["request_id"])
        with pytest.raises(OrchestratorError, match="approval_id: no approval"):
            await service.decide_approval(other, run["approval"]["approval_id"], "approve")
        acme = await service.request_analytics("acme")
        assert acme.total == 0

        # The owner still sees it, undecided.
        mine = await service.pending_approvals("demo")
        assert [a.approval_id for a in mine.approvals] == [run["approval"]["approval_id"]]
        assert (await service.list_requests("demo", RunFilters())).requests[0].run_id == run[
            "run_id"
        ]
