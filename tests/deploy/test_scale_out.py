"""Two replicas of the suite on shared PostgreSQL, Redis and Kafka: any replica resumes any run.

Each replica is a real ``supportdesk serve all`` process with a data directory of its own (its
emptyDir in Kubernetes); they share only what the manifests share between pods.
"""

from __future__ import annotations

import os
import signal
from contextlib import ExitStack

import pytest
from mcp.shared.exceptions import MCPError
from mcp_types import ElicitResult, InputRequiredResult

from servers.crm.demo.load import DEMO_CUSTOMERS
from tests.deploy.conftest import start_replicas
from tests.deploy.kafka_log import (
    events_in_outbox,
    type_counts,
    unrelayed,
    wait_for_event,
)
from tests.deploy.shared_backends import database_count
from tests.orchestrator.requests import REFUND
from tests.support.eras import LEGACY, MODERN, client_for
from tests.support.services import wait_until

ACCEPT = {"approval": ElicitResult(action="accept", content={"decision": "approve"})}


def agent_replies(detail: dict) -> list[dict]:
    return [m for m in detail["messages"] if m["author_type"] == "agent"]


async def decline(message, response_type, params, context):
    return ElicitResult(action="decline")


async def ticket_on(url: str, ticket_id: str) -> dict:
    async with client_for(url, MODERN) as client:
        return (await client.call_tool("crm_get_ticket", {"ticket_id": ticket_id})
                ).structured_content


async def pending_refund_on(url: str) -> dict:
    """A refund request started on one replica; policy makes it wait for a human."""
    async with client_for(url, LEGACY) as client:  # no elicitation handler: it cannot ask
        pending = (await client.call_tool("triage_and_resolve", REFUND)).structured_content
    assert pending["status"] == "pending_approval"
    return pending


def test_replicas_starting_together_load_the_demo_data_once(replicas, shared):
    customers = database_count(
        shared.database, "SELECT count(*) FROM crm.customers WHERE tenant = %s", "demo"
    )
    assert customers == DEMO_CUSTOMERS


async def test_a_run_paused_on_one_replica_is_decided_through_the_other(replicas, shared):
    a, b = replicas
    pending = await pending_refund_on(a.mcp_url)
    approval_id = pending["approval"]["approval_id"]

    async with client_for(b.mcp_url, MODERN) as client:
        decided = (await client.call_tool(
            "resolve_approval", {"approval_id": approval_id, "decision": "approve"}
        )).structured_content
    async with client_for(a.mcp_url, MODERN) as client:  # the decision is single-use
        again = await client.call_tool(
            "resolve_approval", {"approval_id": approval_id, "decision": "approve"},
            raise_on_error=False,
        )

    assert decided["status"] == "resolved"
    assert decided["run_id"] == pending["run_id"]
    assert again.is_error and "already decided" in again.content[0].text
    assert len(agent_replies(await ticket_on(a.mcp_url, decided["ticket_id"]))) == 1
    events = await wait_for_event(shared.kafka_bootstrap, shared.topic_prefix,
                                  pending["request_id"], "request.resolved")
    assert type_counts(events)["request.resolved"] == 1
    assert len({e["id"] for e in events}) == len(events)


async def test_sealed_approval_state_from_one_replica_is_accepted_by_the_other(replicas):
    a, b = replicas
    async with client_for(a.mcp_url, MODERN, elicitation_handler=decline) as client:
        asked = await client.session.call_tool("triage_and_resolve", REFUND,
                                               allow_input_required=True)
    assert isinstance(asked, InputRequiredResult)
    state = asked.request_state
    tampered = state[:-6] + ("AAAAAA" if not state.endswith("AAAAAA") else "BBBBBB")

    async with client_for(b.mcp_url, MODERN, elicitation_handler=decline) as client:
        with pytest.raises(MCPError):
            await client.session.call_tool("triage_and_resolve", REFUND,
                                           input_responses=ACCEPT, request_state=tampered)
        done = await client.session.call_tool("triage_and_resolve", REFUND,
                                              input_responses=ACCEPT, request_state=state)
    assert done.structured_content["status"] == "resolved"
    ticket = await ticket_on(b.mcp_url, done.structured_content["ticket_id"])
    assert len(agent_replies(ticket)) == 1


async def test_a_killed_replica_s_run_is_finished_by_another_with_nothing_lost_or_doubled(
    replicas, shared, replica_dirs
):
    b = replicas[1]
    victim_dir = replica_dirs("victim")
    with ExitStack() as stack:
        (victim,) = start_replicas(stack, shared, [victim_dir])
        pending = await pending_refund_on(victim.mcp_url)
        os.killpg(victim.process.pid, signal.SIGKILL)  # no graceful shutdown, no flush
        victim.process.wait()
    request_id = pending["request_id"]
    written_by_victim = events_in_outbox(victim_dir, request_id)
    stranded = unrelayed(victim_dir)

    if stranded:
        # Kubernetes restarts a killed container in the same pod, with the same emptyDir:
        # its relay then ships what it had not yet shipped.
        with ExitStack() as stack:
            start_replicas(stack, shared, [victim_dir])
            wait_until(lambda: unrelayed(victim_dir) == 0, timeout=20, what="victim outbox")

    async with client_for(b.mcp_url, MODERN) as client:
        decided = (await client.call_tool(
            "resolve_approval",
            {"approval_id": pending["approval"]["approval_id"], "decision": "approve"},
        )).structured_content
    assert decided["status"] == "resolved"
    events = await wait_for_event(shared.kafka_bootstrap, shared.topic_prefix, request_id,
                                  "request.resolved")
    in_kafka = {e["id"] for e in events}

    assert {e["id"] for e in written_by_victim} <= in_kafka  # nothing lost
    assert len(in_kafka) == len(events)  # nothing doubled
    counts = type_counts(events)
    assert counts["request.received"] == 1
    assert counts["approval.requested"] == 1
    assert counts["approval.decided"] == 1
    assert counts["request.resolved"] == 1
    tickets = database_count(
        shared.database,
        "SELECT count(*) FROM crm.tickets WHERE request_id = %s", request_id,
    )
    assert tickets == 1
    ticket = await ticket_on(b.mcp_url, decided["ticket_id"])
    assert len(agent_replies(ticket)) == 1
