"""tool.called events from real MCP tool calls on the knowledge-base server, both eras."""

import asyncio

import pytest
from fastmcp.exceptions import ToolError

from embeddings.wordllama_embedder import WordLlamaEmbedder
from events import (
    EventSettings,
    MemoryPublisher,
    bus_from_settings,
    consuming,
    parse_payload,
)
from events.consumer_kafka import KafkaLogConsumer
from events.types import ToolCalled
from servers.kb.server import build_server
from servers.kb.memory_index import InMemoryArticleIndex
from servers.kb.service import KnowledgeBase
from servers.settings import CoreSettings
from servers.suite import build_suite
from servers.tool_events import drain_tool_events
from tests.events.collect import Collector
from tests.support.broker import fast_event_settings
from tests.support.eras import client_for
from tests.support.processes import http_server

SECRET_QUERY = "my card 4111 1111 1111 1111 was charged twice"


def kb_with(data_dir, publisher):
    """The events are the subject, not the storage: the in-memory index will do."""
    embedder = WordLlamaEmbedder()
    return build_server(
        KnowledgeBase(InMemoryArticleIndex(embedder.dim), embedder),
        load_demo=False,
        publisher=publisher,
        default_tenant="acme",
    )


async def test_every_tool_call_publishes_who_what_how_long_and_outcome(data_dir, era):
    publisher = MemoryPublisher()
    server = kb_with(data_dir, publisher)
    async with client_for(server, era) as client:
        await client.call_tool("search", {"query": SECRET_QUERY, "limit": 2})
        await client.call_tool("list_categories", {})
        with pytest.raises(ToolError):
            await client.call_tool("get_article", {"article_id": "no-such-article"})
        with pytest.raises(ToolError):
            await client.call_tool("search", {"query": ""})
        await client.list_tools()  # not a tool call: no event
    await drain_tool_events(server)

    events = publisher.of_type("tool.called")
    assert len(publisher.events) == len(events) == 4
    calls = [parse_payload(event) for event in events]
    assert all(isinstance(call, ToolCalled) for call in calls)
    assert [(c.tool, c.outcome) for c in calls] == [
        ("search", "ok"),
        ("list_categories", "ok"),
        ("get_article", "error"),
        ("search", "error"),
    ]
    assert {(c.server, c.principal) for c in calls} == {("kb", "local")}
    assert {event.tenant for event in events} == {"acme"}
    assert all(c.duration_ms > 0 for c in calls)
    wire = "".join(event.model_dump_json() for event in events)
    for argument_value in ("4111", "charged twice", "no-such-article"):
        assert argument_value not in wire


async def test_tool_events_land_in_the_durable_log(data_dir, tmp_path, era):
    settings = EventSettings(outbox_path=tmp_path / "events.db")
    async with bus_from_settings(settings, tmp_path) as bus:
        server = kb_with(data_dir, bus)
        async with client_for(server, era) as client:
            await client.call_tool("search", {"query": SECRET_QUERY})
        await drain_tool_events(server)
        records = await bus.outbox.read()
    assert [r.event.type for r in records] == ["tool.called"]
    assert records[0].event.payload["tool"] == "search"


async def test_the_mounted_suite_reports_the_server_and_plain_tool_name(data_dir, era):
    publisher = MemoryPublisher()
    core = CoreSettings(data_dir=data_dir, load_demo_data=False, default_tenant="acme")
    suite = build_suite(core, publisher)
    async with client_for(suite.server, era) as client:
        await client.call_tool("kb_list_categories", {})
    await drain_tool_events(*(part.server for part in suite.parts.values()))
    [event] = publisher.events
    assert (event.payload["server"], event.payload["tool"]) == ("kb", "list_categories")


class BrokenPublisher:
    async def publish(self, *events):
        raise RuntimeError("disk full")


class StuckPublisher:
    def __init__(self):
        self.release = asyncio.Event()
        self.events = []

    async def publish(self, *events):
        await self.release.wait()
        self.events.extend(events)


async def test_a_failing_publisher_never_fails_the_call(data_dir, era):
    async with client_for(kb_with(data_dir, BrokenPublisher()), era) as client:
        result = await client.call_tool("list_categories", {})
    assert result.structured_content == {"categories": []}  # acme's help center is empty


async def test_a_stuck_publisher_does_not_hold_the_call(data_dir, era):
    """The call returns while the publish is still waiting; the event follows later."""
    publisher = StuckPublisher()
    server = kb_with(data_dir, publisher)
    async with client_for(server, era) as client:
        result = await asyncio.wait_for(client.call_tool("list_categories", {}), 30)
        assert result.structured_content == {"categories": []}  # acme's help center is empty
        assert publisher.events == []
        publisher.release.set()
        await drain_tool_events(server)
    assert [e.payload["tool"] for e in publisher.events] == ["list_categories"]


async def test_serve_relays_tool_events_to_kafka(data_dir, broker):
    """``supportdesk serve`` builds the bus from settings and runs its relay."""
    settings = fast_event_settings(kafka_bootstrap_servers=broker.bootstrap)
    env = {
        "SUPPORTDESK_EVENTS_KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap,
        "SUPPORTDESK_EVENTS_TOPIC_PREFIX": settings.topic_prefix,
        "SUPPORTDESK_DEFAULT_TENANT": "acme",
    }
    seen = Collector()
    with http_server("all", data_dir=data_dir, env=env) as server:
        async with client_for(server.mcp_url, "2026-07-28") as client:
            await client.call_tool("kb_search", {"query": SECRET_QUERY})
        async with consuming(KafkaLogConsumer(settings, "test", families={"tool"}), seen):
            await seen.until(lambda c: len(c.events) == 1, timeout=30)
    [event] = seen.events
    assert (event.tenant, event.payload["tool"], event.payload["server"]) == (
        "acme",
        "search",
        "kb",
    )
    assert "4111" not in event.model_dump_json()


class CountingPublisher(MemoryPublisher):
    def __init__(self):
        super().__init__()
        self.publishes = 0

    async def publish(self, *events):
        self.publishes += 1
        await super().publish(*events)


async def test_a_burst_of_calls_is_published_together(data_dir):
    """One publish (one outbox commit) for calls that end close together, not one each."""
    publisher = CountingPublisher()
    server = kb_with(data_dir, publisher)
    async with client_for(server, "2026-07-28") as client:
        await asyncio.gather(*(client.call_tool("list_categories", {}) for _ in range(10)))
    await drain_tool_events(server)
    assert len(publisher.of_type("tool.called")) == 10
    assert publisher.publishes < 10
