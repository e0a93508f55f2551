"""request_analytics from the events projection, fed from the real event log while serving."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from mcp.shared.exceptions import MCPError

from tests.orchestrator.requests import GIBBERISH, PASSWORD, REFUND


async def test_analytics_count_a_few_runs_by_route_and_status(rig, era):
    async with rig.clients(era) as (orchestrator, workflow):
        await orchestrator.call_tool("triage_and_resolve", PASSWORD)
        await orchestrator.call_tool("triage_and_resolve", GIBBERISH)
        refund = (await orchestrator.call_tool("triage_and_resolve", REFUND)).structured_content
        waiting = await rig.caught_up(workflow)
        await workflow.call_tool(
            "decide_approval",
            {"approval_id": refund["approval"]["approval_id"], "decision": "approve"},
        )
        done = await rig.caught_up(workflow)
        [content] = await workflow.read_resource("workflow://analytics")
        tomorrow = datetime.now(UTC) + timedelta(days=1)
        later = (
            await workflow.call_tool("request_analytics", {"since": tomorrow.isoformat()})
        ).structured_content

    assert waiting["total"] == 3
    assert waiting["by_status"] == {"resolved": 1, "escalated": 2}
    assert waiting["by_route"] == {"resolved": 1, "escalated": 1, "approval": 1}
    assert waiting["resolved"] == 1 and waiting["escalated"] == 2

    assert done["total"] == 3 and done["tenant"] == "demo"
    assert done["by_status"] == {"resolved": 2, "escalated": 1}
    assert done["by_route"] == {"resolved": 1, "escalated": 1, "approval": 1}
    assert done["by_category"]["billing"] == 1 and done["by_category"]["account"] == 1
    assert sum(done["by_priority"].values()) == 3
    assert done["resolution_rate"] == 2 / 3 and done["escalation_rate"] == 2 / 3
    assert done["time_to_resolve"]["count"] == 2
    assert done["time_to_resolve"]["p90_seconds"] >= done["time_to_resolve"]["p50_seconds"] > 0

    # The same figures; how far behind the log the projection is moves on its own (an event
    # can land between the two reads), so that one is only checked to be there.
    resource = json.loads(content.text)
    assert resource.pop("events_behind") >= 0
    assert resource == {k: v for k, v in done.items() if k != "events_behind"}
    assert later["total"] == 0


async def test_the_prompts_walk_through_approvals_and_summarise_the_day(rig, era):
    async with rig.clients(era) as (orchestrator, workflow):
        empty = await workflow.get_prompt("review_pending_approvals")
        refund = (await orchestrator.call_tool("triage_and_resolve", REFUND)).structured_content
        review = await workflow.get_prompt("review_pending_approvals")
        await rig.caught_up(workflow)
        summary = await workflow.get_prompt("daily_support_summary")
        other_day = await workflow.get_prompt("daily_support_summary", {"day": "2020-01-01"})
        with pytest.raises(MCPError, match="day: not a date"):
            await workflow.get_prompt("daily_support_summary", {"day": "yesterday"})

    assert "no support replies waiting" in empty.messages[0].content.text
    text = review.messages[0].content.text
    assert refund["approval"]["approval_id"] in text and "decide_approval" in text
    assert refund["reply"] in text and "Refund requested: yes" in text
    summary_text = summary.messages[0].content.text
    assert '"total": 1' in summary_text and "daily support summary" in summary_text
    assert '"total": 0' in other_day.messages[0].content.text
