"""Human approval through MCP: elicitation (2025-11-25), InputRequiredResult (2026-07-28),
and pending approvals decided later with resolve_approval — single use, exactly once."""

import pytest
from fastmcp.exceptions import ToolError

from core.calls import Caller
from tests.orchestrator.requests import PASSWORD, REFUND
from tests.orchestrator.test_resolve_routes import read_ticket
from tests.support.eras import MODERN, client_for


def answering(decision: str, edited_reply: str = "", reason: str = ""):
    """An elicitation handler that answers the approval form, and remembers the question."""
    asked: list[str] = []

    async def handler(message, response_type, params, context):
        asked.append(message)
        return response_type(decision=decision, edited_reply=edited_reply, reason=reason)

    handler.asked = asked
    return handler


def declining():
    async def handler(message, response_type, params, context):
        from fastmcp.client.elicitation import ElicitResult

        return ElicitResult(action="decline")

    return handler


def agent_replies(ticket):
    return [m["body"] for m in ticket["messages"] if m["author_type"] == "agent"]


@pytest.mark.parametrize("decision", ["approve", "edit", "reject"])
async def test_the_human_is_asked_during_the_call_and_the_run_finishes(
    resolve_server, era, decision
):
    rig = resolve_server()
    edited = "Hi Carmen, we have refunded your annual Pro plan in full. [1]"
    handler = answering(decision, edited_reply=edited if decision == "edit" else "",
                        reason="policy says no" if decision == "reject" else "")
    async with client_for(rig.server, era, elicitation_handler=handler) as client:
        out = (await client.call_tool("triage_and_resolve", REFUND)).structured_content
    ticket = await read_ticket(rig.crm, out["ticket_id"])

    assert len(handler.asked) == 1 and "Proposed reply" in handler.asked[0]
    assert out["approval"]["decision"] == decision
    assert out["approval"]["status"] == "decided" and out["approval"]["decided_by"] == "local"
    if decision == "reject":
        assert out["status"] == "rejected" and agent_replies(ticket) == []
        assert out["approval"]["message"] == "policy says no"
        assert "rejected by local: policy says no" in ticket["notes"][0]["body"]
    else:
        assert out["status"] == "resolved"
        assert agent_replies(ticket) == [edited if decision == "edit" else out["reply"]]
    assert len(rig.publisher.of_type("approval.decided")) == 1


async def test_a_declined_question_leaves_the_run_pending(resolve_server, era):
    rig = resolve_server()
    async with client_for(rig.server, era, elicitation_handler=declining()) as client:
        out = (await client.call_tool("triage_and_resolve", REFUND)).structured_content
    assert out["status"] == "pending_approval" and out["approval"]["status"] == "pending"


async def test_pending_then_decided_with_resolve_approval_exactly_once(resolve_server, era):
    rig = resolve_server()
    async with client_for(rig.server, era) as client:
        pending = (await client.call_tool("triage_and_resolve", REFUND)).structured_content
        approval_id = pending["approval"]["approval_id"]
        done = await client.call_tool(
            "resolve_approval", {"approval_id": approval_id, "decision": "approve"}
        )
        with pytest.raises(ToolError, match="already decided by local"):
            await client.call_tool(
                "resolve_approval", {"approval_id": approval_id, "decision": "reject",
                                     "reason": "too late"}
            )
    out = done.structured_content
    assert out["status"] == "resolved" and out["run_id"] == pending["run_id"]
    ticket = await read_ticket(rig.crm, out["ticket_id"])
    assert agent_replies(ticket) == [out["reply"]]
    assert len(rig.publisher.of_type("request.resolved")) == 1
    assert len(rig.publisher.of_type("approval.decided")) == 1


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"approval_id": "apr-0000000000000000", "decision": "approve"}, "approval_id"),
        ({"approval_id": "nope", "decision": "approve"}, "approval_id"),
        ({"approval_id": "apr-0000000000000000", "decision": "maybe"}, "decision"),
    ],
)
async def test_bad_decisions_are_tool_errors_naming_the_field(resolve_server, era, arguments,
                                                              field):
    rig = resolve_server()
    async with client_for(rig.server, era) as client:
        with pytest.raises(ToolError, match=field):
            await client.call_tool("resolve_approval", arguments)


async def test_a_rejection_needs_a_reason_and_an_edit_needs_the_reply(resolve_server, era):
    rig = resolve_server()
    async with client_for(rig.server, era) as client:
        pending = (await client.call_tool("triage_and_resolve", REFUND)).structured_content
        approval_id = pending["approval"]["approval_id"]
        with pytest.raises(ToolError, match="message: a rejection needs a reason"):
            await client.call_tool("resolve_approval",
                                   {"approval_id": approval_id, "decision": "reject"})
        with pytest.raises(ToolError, match="edited_reply"):
            await client.call_tool("resolve_approval",
                                   {"approval_id": approval_id, "decision": "edit"})
        # Neither attempt used the approval up.
        out = await client.call_tool("resolve_approval",
                                     {"approval_id": approval_id, "decision": "approve"})
    assert out.structured_content["status"] == "resolved"


async def test_the_modern_round_trip_carries_sealed_ids_and_rejects_tampering(resolve_server):
    """The raw 2026-07-28 exchange: input_required with a sealed state, then the retry."""
    from mcp.shared.exceptions import MCPError
    from mcp_types import ElicitResult, InputRequiredResult

    rig = resolve_server()
    accept = {"approval": ElicitResult(action="accept", content={"decision": "approve"})}
    # A handler makes the client declare elicitation; the rounds below are driven by hand.
    async with client_for(rig.server, MODERN, elicitation_handler=declining()) as client:
        asked = await client.session.call_tool("triage_and_resolve", REFUND,
                                               allow_input_required=True)
        assert isinstance(asked, InputRequiredResult)
        state = asked.request_state
        assert state.startswith("v1.") and "apr-" not in state and "run-" not in state
        form = asked.input_requests["approval"].params.requested_schema
        assert form["properties"]["decision"]["enum"] == ["approve", "edit", "reject"]

        tampered = state[:-6] + ("AAAAAA" if not state.endswith("AAAAAA") else "BBBBBB")
        with pytest.raises(MCPError):
            await client.session.call_tool("triage_and_resolve", REFUND,
                                           input_responses=accept, request_state=tampered)

        done = await client.session.call_tool("triage_and_resolve", REFUND,
                                              input_responses=accept, request_state=state)
        replay = await client.session.call_tool("triage_and_resolve", REFUND,
                                                input_responses=accept, request_state=state)
    assert done.structured_content["status"] == "resolved"
    assert replay.is_error and "already decided" in replay.content[0].text
    assert len(rig.publisher.of_type("request.resolved")) == 1


async def test_the_outcome_a_run_returns_is_the_one_its_checkpoint_holds(resolve_server):
    """A run's outcome comes from the state its steps streamed, not from reading back the
    checkpoint: the two agree for a run that finished and for one paused for a human."""
    rig = resolve_server()
    async with client_for(rig.server, MODERN, elicitation_handler=declining()) as client:
        finished = (await client.call_tool("triage_and_resolve", PASSWORD)).structured_content
        paused = (await client.call_tool("triage_and_resolve", REFUND)).structured_content
        read_back = [await rig.orchestrator.outcome_of(Caller("demo", "local"), out["run_id"])
                     for out in (finished, paused)]
    assert finished["status"] == "resolved" and paused["status"] == "pending_approval"
    assert [outcome.model_dump(mode="json") for outcome in read_back] == [finished, paused]
