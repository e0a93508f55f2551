"""A run paused for approval survives its process and is finished by another one.

Two real ``supportdesk serve all`` processes share a data directory (checkpoints, runs, CRM)
and the request-state sealing key; the first is killed while the run waits.
"""

import os
import secrets
import signal

from mcp_types import ElicitResult, InputRequiredResult

from tests.orchestrator.requests import REFUND
from tests.support.eras import LEGACY, MODERN, client_for
from tests.support.processes import http_server


def agent_replies(detail):
    return [m for m in detail["messages"] if m["author_type"] == "agent"]


async def test_a_pending_run_is_decided_and_finished_by_another_process(data_dir):
    env = {"SUPPORTDESK_ORCHESTRATOR_REQUEST_STATE_KEYS": f'["{secrets.token_hex(32)}"]'}
    accept = {"approval": ElicitResult(action="accept", content={"decision": "approve"})}

    async def decline(message, response_type, params, context):
        return ElicitResult(action="decline")

    with http_server("all", data_dir=data_dir, env=env) as first:
        async with client_for(first.mcp_url, LEGACY) as client:
            pending = (await client.call_tool("triage_and_resolve", REFUND)).structured_content
        async with client_for(first.mcp_url, MODERN, elicitation_handler=decline) as client:
            asked = await client.session.call_tool("triage_and_resolve", REFUND,
                                                   allow_input_required=True)
        os.killpg(first.process.pid, signal.SIGKILL)  # no graceful shutdown
    assert pending["status"] == "pending_approval"
    assert isinstance(asked, InputRequiredResult)

    with http_server("all", data_dir=data_dir, env=env) as second:
        async with client_for(second.mcp_url, MODERN, elicitation_handler=decline) as client:
            decided = await client.call_tool(
                "resolve_approval",
                {"approval_id": pending["approval"]["approval_id"], "decision": "approve"},
            )
            sealed_by_first = await client.session.call_tool(
                "triage_and_resolve", REFUND, input_responses=accept,
                request_state=asked.request_state,
            )
            tickets = [
                (await client.call_tool("crm_get_ticket", {"ticket_id": out["ticket_id"]}))
                .structured_content
                for out in (decided.structured_content, sealed_by_first.structured_content)
            ]

    for out in (decided.structured_content, sealed_by_first.structured_content):
        assert out["status"] == "resolved"
        assert out["approval"]["decided_by"] == "local"
    assert decided.structured_content["run_id"] == pending["run_id"]
    assert [len(agent_replies(ticket)) for ticket in tickets] == [1, 1]
    assert tickets[0]["ticket"]["id"] != tickets[1]["ticket"]["id"]
