"""Every event a run publishes is its typed, PII-free payload model: consumers can parse it."""

import json

import pytest

from events import parse_payload
from orchestrator.engines.base import EngineError
from orchestrator.engines.scripted import ScriptedEngine
from tests.orchestrator.requests import GIBBERISH, PASSWORD, REFUND
from tests.support.eras import MODERN, client_for


async def run_every_route(resolve_server) -> list:
    """Resolved, handed over, approved after a pause, failed: all events of all four runs."""
    rig = resolve_server()
    async with client_for(rig.server, MODERN) as client:
        await client.call_tool("triage_and_resolve", PASSWORD)
        await client.call_tool("triage_and_resolve", GIBBERISH)
        pending = (await client.call_tool("triage_and_resolve", REFUND)).structured_content
        await client.call_tool(
            "resolve_approval",
            {"approval_id": pending["approval"]["approval_id"], "decision": "approve"},
        )
    failing = resolve_server(engine=ScriptedEngine(triages=[EngineError("provider is down")]))
    async with client_for(failing.server, MODERN) as client:
        await client.call_tool("triage_and_resolve", PASSWORD)
    return rig.publisher.events + failing.publisher.events


@pytest.fixture
async def events(resolve_server):
    return [e for e in await run_every_route(resolve_server) if e.type != "tool.called"]


async def test_every_event_parses_as_its_typed_payload(events):
    types = {e.type for e in events}
    assert types >= {"request.received", "request.triaged", "request.researched",
                     "request.drafted", "request.reviewed", "request.escalated",
                     "approval.requested", "approval.decided", "request.resolved",
                     "request.failed"}
    for event in events:  # each payload parses as its type, losing and adding nothing
        parsed = parse_payload(event)
        assert parsed.model_dump(mode="json") == event.payload, event.type


async def test_no_event_carries_the_customers_words_or_address(events):
    shipped = json.dumps([e.payload for e in events])
    for request in (PASSWORD, GIBBERISH, REFUND):
        assert request["customer"] not in shipped
        assert request["message"][:30] not in shipped
    assert "provider is down" not in shipped  # an error's message may quote data: kind only
