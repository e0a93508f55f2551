"""Twenty people decide one approval at once, through both tools, in both eras, on SQLite and
PostgreSQL: exactly one decision wins and is the one applied; everyone else is told who was
first and when; the decision's events happen once."""

import asyncio
import re

import pytest

from events import MemoryPublisher
from tests.orchestrator.requests import REFUND
from tests.orchestrator.test_resolve_routes import read_ticket
from tests.support.eras import client_for
from tests.support.postgres import POSTGRES_URL, temporary_schema

DECIDERS = 10  # of each tool


@pytest.fixture(params=["sqlite", "postgresql"])
def runs_backend(request, monkeypatch):
    if request.param == "sqlite":
        yield request.param
        return
    with temporary_schema("runs_race") as schema:
        monkeypatch.setenv("SUPPORTDESK_ORCHESTRATOR_DATABASE_URL", POSTGRES_URL)
        monkeypatch.setenv("SUPPORTDESK_ORCHESTRATOR_DATABASE_SCHEMA", schema)
        yield request.param


@pytest.fixture
def servers(data_dir, runs_backend):
    from servers.settings import CoreSettings
    from servers.orchestrator.wiring import build as build_orchestrator
    from servers.registry import BUILDERS
    from servers.workflow.wiring import build as build_workflow

    publisher = MemoryPublisher()
    core = CoreSettings(data_dir=data_dir, default_tenant="demo")
    parts = {name: BUILDERS[name](core, publisher) for name in ("kb", "crm", "memory")}
    orchestrator = build_orchestrator(core, publisher, co_located=parts)
    workflow = build_workflow(core, publisher, co_located={**parts, "orchestrator": orchestrator})
    return orchestrator.server, workflow.server, parts["crm"].server, publisher


async def test_one_of_twenty_concurrent_decisions_wins_and_is_applied(servers, era):
    orchestrator_server, workflow_server, crm, publisher = servers
    async with (
        client_for(workflow_server, era) as workflow,
        client_for(orchestrator_server, era) as orchestrator,
    ):
        pending = (await orchestrator.call_tool("triage_and_resolve", REFUND)).structured_content
        approval_id = pending["approval"]["approval_id"]
        approvals = [
            orchestrator.call_tool("resolve_approval", {
                "approval_id": approval_id, "decision": "approve"}, raise_on_error=False)
            for _ in range(DECIDERS)
        ]
        edits = [
            workflow.call_tool("decide_approval", {
                "approval_id": approval_id, "decision": "edit",
                "edited_reply": f"Edited reply number {n}: your refund is on its way."},
                raise_on_error=False)
            for n in range(DECIDERS)
        ]
        results = await asyncio.gather(*approvals, *edits)
        winners = [(i, r) for i, r in enumerate(results) if not r.is_error]
        assert len(winners) == 1, [r.content for r in results]
        ticket = await read_ticket(crm, winners[0][1].structured_content["ticket_id"])

    index, winner = winners[0]
    outcome = winner.structured_content
    assert outcome["status"] == "resolved"
    losers = [r.content[0].text for r in results if r.is_error]
    assert len(losers) == 2 * DECIDERS - 1
    pattern = re.compile(rf"^approval_id: '{approval_id}' was already decided by local at "
                         r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$")
    assert all(pattern.match(text) for text in losers), losers[:3]
    # The winner's decision is the one applied.
    if index < DECIDERS:
        assert outcome["approval"]["decision"] == "approve"
        assert outcome["reply"] == pending["reply"]
    else:
        assert outcome["approval"]["decision"] == "edit"
        assert outcome["reply"].startswith(f"Edited reply number {index - DECIDERS}:")
    assert [e.type for e in publisher.events].count("approval.decided") == 1
    assert [e.type for e in publisher.events].count("request.resolved") == 1
    replies = [m["body"] for m in ticket["messages"] if m["author_type"] == "agent"]
    assert replies == [outcome["reply"]]
