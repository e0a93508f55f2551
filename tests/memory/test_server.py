"""The memory server through a real MCP client, in memory, in both protocol eras."""

from __future__ import annotations

import json

import pytest
from fastmcp.exceptions import ToolError

from events import MemoryPublisher
from memory.session_local import InProcessSessionCache
from memory.settings import MemorySettings
from servers.memory.server import build_server
from servers.memory.wiring import memory_service
from tests.support.eras import client_for

TOOLS = {"remember", "recall", "forget", "get_session", "append_turn", "append_turns",
         "summarize_session", "get_context", "update_session"}


@pytest.fixture
def publisher() -> MemoryPublisher:
    return MemoryPublisher()


@pytest.fixture
def memory_server(memory_service, publisher):
    return build_server(memory_service, default_tenant="acme", publisher=publisher)


async def test_every_tool_is_typed_described_and_annotated(memory_server, era):
    async with client_for(memory_server, era) as client:
        assert client.protocol_version == era
        tools = {tool.name: tool for tool in await client.list_tools()}
        templates = {t.uri_template for t in await client.list_resource_templates()}
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert tool.description and len(tool.description) > 30
        assert tool.output_schema and tool.output_schema["type"] == "object"
        assert tool.annotations.open_world_hint is False
        assert "tenant" not in tool.input_schema["properties"]
    assert tools["recall"].annotations.read_only_hint is True
    assert tools["forget"].annotations.destructive_hint is True
    assert tools["remember"].annotations.idempotent_hint is True
    # append_turn repeats only with its key: as a tool it is not idempotent.
    assert tools["append_turn"].annotations.idempotent_hint is False
    assert tools["append_turns"].annotations.idempotent_hint is False
    assert "idempotency_key" in tools["append_turn"].input_schema["properties"]
    assert "idempotency_key" in tools["append_turn"].description
    assert {"memory://customers/{customer_id}", "memory://sessions/{session_id}"} <= templates


async def test_remember_is_idempotent_and_publishes_once(memory_server, publisher, era):
    args = {"customer_id": "c1", "content": "Prefers email over phone calls",
            "kind": "preference", "source": "ticket:T-7"}
    async with client_for(memory_server, era) as client:
        first = (await client.call_tool("remember", args)).structured_content
        again = (await client.call_tool("remember", args)).structured_content
        recalled = await client.call_tool(
            "recall", {"query": "how to contact them", "customer_id": "c1"}
        )
    assert first["status"] == "created" and again["status"] == "unchanged"
    assert again["memory_id"] == first["memory_id"]
    assert recalled.structured_content["memories"][0]["id"] == first["memory_id"]
    events = publisher.of_type("memory.written")
    assert len(events) == 1
    assert events[0].tenant == "acme" and events[0].customer_id == "c1"
    assert events[0].payload == {"memory_id": first["memory_id"], "customer_id": "c1",
                                 "kind": "preference", "source": "ticket:T-7"}


async def test_a_conversation_is_recorded_summarised_and_used_as_context(memory_server, era):
    turns = [
        ("customer", "Hi. I was charged twice for my March invoice."),
        ("agent", "Sorry about that. Let me check your billing history."),
        ("customer", "Thanks. The duplicate charge was on March 3."),
        ("agent", "I found the duplicate charge and issued a refund. It arrives in 5 days."),
    ]
    async with client_for(memory_server, era) as client:
        for role, content in turns:
            appended = await client.call_tool("append_turn", {
                "session_id": "s-1", "role": role, "content": content, "customer_id": "c1"})
        session = (await client.call_tool("get_session", {"session_id": "s-1"}))
        summary = (await client.call_tool(
            "summarize_session", {"session_id": "s-1", "max_sentences": 3, "save": True}
        )).structured_content
        resource = json.loads((await client.read_resource("memory://sessions/s-1"))[0].text)
        customer = json.loads((await client.read_resource("memory://customers/c1"))[0].text)
        context = (await client.call_tool("get_context", {
            "customer_id": "c1", "message": "was my refund issued?", "session_id": "s-1",
            "budget": 400})).structured_content
    assert appended.structured_content == {"session_id": "s-1", "turns": 4, "created": True,
                                           "uri": "memory://sessions/s-1"}
    assert [t["content"] for t in session.structured_content["turns"]] == [c for _, c in turns]
    assert resource == session.structured_content
    assert summary["summary"].startswith("Customer: ")
    assert "refund" in summary["summary"] and len(summary["sentences"]) == 3
    assert [m["id"] for m in customer["memories"]] == [summary["memory_id"]]
    assert context["used"] <= 400 and context["turns"] and context["memories"]
    assert context["turns"][-1]["content"] == turns[-1][1]


async def test_several_turns_are_appended_in_one_call_each_once(memory_server, era):
    turns = [{"role": "customer", "content": "My export is stuck.", "idempotency_key": "r:0"},
             {"role": "agent", "content": "I restarted it.", "idempotency_key": "r:1"}]
    async with client_for(memory_server, era) as client:
        # A batch cut off after its first turn, then sent whole again: only the rest is added.
        first = await client.call_tool("append_turns", {
            "session_id": "s-2", "customer_id": "c1", "turns": turns[:1]})
        again = await client.call_tool("append_turns", {
            "session_id": "s-2", "customer_id": "c1", "turns": turns})
        repeat = await client.call_tool("append_turns", {"session_id": "s-2", "turns": turns})
        session = await client.call_tool("get_session", {"session_id": "s-2"})
        with pytest.raises(ToolError, match="turns"):
            await client.call_tool("append_turns", {"session_id": "s-2", "turns": []})
        with pytest.raises(ToolError, match="role"):
            await client.call_tool("append_turns", {"session_id": "s-2", "turns": [
                {"role": "robot", "content": "hi"}]})
    assert first.structured_content["created"] == [True]
    assert again.structured_content == {"session_id": "s-2", "turns": 2, "created": [False, True],
                                        "uri": "memory://sessions/s-2"}
    assert repeat.structured_content["created"] == [False, False]
    assert [(t["role"], t["content"]) for t in session.structured_content["turns"]] == [
        (t["role"], t["content"]) for t in turns]
    assert session.structured_content["customer_id"] == "c1"


async def test_forget_a_customer_removes_memories_and_sessions(memory_server, era):
    async with client_for(memory_server, era) as client:
        kept = (await client.call_tool("remember", {"customer_id": "c2", "content": "Lives in Oslo"}))
        gone = (await client.call_tool("remember", {"customer_id": "c1", "content": "Lives in Oslo"}))
        await client.call_tool("append_turn", {"session_id": "s-9", "role": "customer",
                                               "content": "hello", "customer_id": "c1"})
        outcome = (await client.call_tool("forget", {"customer_id": "c1"})).structured_content
        hits = (await client.call_tool("recall", {"query": "Oslo", "limit": 10})).structured_content
        with pytest.raises(ToolError, match="session_id: no session"):
            await client.call_tool("get_session", {"session_id": "s-9"})
        with pytest.raises(ToolError, match="memory_id: no memory"):
            await client.call_tool("forget", {"memory_id": gone.structured_content["memory_id"]})
        by_id = (await client.call_tool(
            "forget", {"memory_id": kept.structured_content["memory_id"]})).structured_content
        after = (await client.call_tool("recall", {"query": "Oslo"})).structured_content
    assert outcome == {"memories_removed": 1, "sessions_removed": 1}
    assert [h["customer_id"] for h in hits["memories"]] == ["c2"]
    assert by_id == {"memories_removed": 1, "sessions_removed": 0}
    assert after["memories"] == []


async def test_tenants_never_see_each_others_memories_or_sessions(tmp_path, embedder, era):
    shared_sessions = InProcessSessionCache(ttl_seconds=60, max_turns=10)

    def server_for(tenant: str):
        service = memory_service(MemorySettings(), tmp_path / "shared", embedder,
                                sessions=shared_sessions)
        return build_server(service, default_tenant=tenant)

    async with client_for(server_for("acme"), era) as acme:
        mine = (await acme.call_tool("remember", {"customer_id": "c1",
                                                  "content": "VIP customer"})).structured_content
        await acme.call_tool("append_turn", {"session_id": "s1", "role": "customer",
                                             "content": "private"})
    async with client_for(server_for("globex"), era) as globex:
        hits = (await globex.call_tool("recall", {"query": "VIP"})).structured_content
        with pytest.raises(ToolError, match="no memory"):
            await globex.call_tool("forget", {"memory_id": mine["memory_id"]})
        with pytest.raises(ToolError, match="no session"):
            await globex.call_tool("get_session", {"session_id": "s1"})
        customer = json.loads((await globex.read_resource("memory://customers/c1"))[0].text)
    assert hits["memories"] == [] and customer["memories"] == []


async def test_a_retried_turn_with_its_key_is_recorded_once(memory_server, era):
    call = {"session_id": "s1", "role": "customer", "content": "My export is stuck.",
            "customer_id": "c1", "idempotency_key": "run-1:turn:0"}
    async with client_for(memory_server, era) as client:
        first = (await client.call_tool("append_turn", call)).structured_content
        retry = (await client.call_tool("append_turn", call)).structured_content
        session = (await client.call_tool("get_session", {"session_id": "s1"}))
    assert (first["created"], first["turns"]) == (True, 1)
    assert (retry["created"], retry["turns"]) == (False, 1)
    assert [t["content"] for t in session.structured_content["turns"]] == [call["content"]]


async def test_tenants_never_share_turn_keys(tmp_path, embedder, era):
    shared_sessions = InProcessSessionCache(ttl_seconds=60, max_turns=10)

    def server_for(tenant: str):
        service = memory_service(MemorySettings(), tmp_path / "shared", embedder,
                                sessions=shared_sessions)
        return build_server(service, default_tenant=tenant)

    call = {"session_id": "s1", "role": "customer", "content": "hello",
            "idempotency_key": "run-1:turn:0"}
    async with client_for(server_for("acme"), era) as acme:
        mine = (await acme.call_tool("append_turn", call)).structured_content
    async with client_for(server_for("globex"), era) as globex:
        theirs = (await globex.call_tool("append_turn", call)).structured_content
        again = (await globex.call_tool("append_turn", call)).structured_content
    async with client_for(server_for("acme"), era) as acme:
        session = (await acme.call_tool("get_session", {"session_id": "s1"}))
    assert mine["created"] and theirs["created"] and not again["created"]
    assert [t["content"] for t in session.structured_content["turns"]] == ["hello"]


@pytest.mark.parametrize(
    ("tool", "arguments", "field"),
    [
        ("remember", {"customer_id": "c1", "content": ""}, "content"),
        ("remember", {"customer_id": "../x", "content": "x"}, "customer_id"),
        ("remember", {"customer_id": "c1", "content": "x", "kind": "gossip"}, "kind"),
        ("remember", {"customer_id": "c1", "content": "x", "expires_in_seconds": 0},
         "expires_in_seconds"),
        ("recall", {"query": "x", "limit": 0}, "limit"),
        ("forget", {}, "memory_id"),
        ("forget", {"memory_id": "m-1", "customer_id": "c1"}, "memory_id"),
        ("append_turn", {"session_id": "s1", "role": "boss", "content": "x"}, "role"),
        ("append_turn", {"session_id": "s1", "role": "customer", "content": "x",
                         "idempotency_key": "has spaces"}, "idempotency_key"),
        ("append_turn", {"session_id": "s1", "role": "customer", "content": "x",
                         "idempotency_key": "k" * 129}, "idempotency_key"),
        ("get_session", {"session_id": "nope"}, "session_id"),
        ("summarize_session", {"session_id": "nope"}, "session_id"),
        ("get_context", {"customer_id": "c1", "message": "x", "strategy": "psychic"},
         "strategy"),
    ],
)
async def test_bad_input_is_a_tool_error_naming_the_field(memory_server, era, tool, arguments,
                                                          field):
    async with client_for(memory_server, era) as client:
        with pytest.raises(ToolError, match=field):
            await client.call_tool(tool, arguments)


async def test_a_session_cannot_change_customer(memory_server, era):
    async with client_for(memory_server, era) as client:
        await client.call_tool("append_turn", {"session_id": "s1", "role": "customer",
                                               "content": "hi", "customer_id": "c1"})
        with pytest.raises(ToolError, match="customer_id: session 's1'"):
            await client.call_tool("append_turn", {"session_id": "s1", "role": "customer",
                                                   "content": "hi", "customer_id": "c2"})


async def test_session_context_and_facts_through_tools(memory_server, era):
    async with client_for(memory_server, era) as client:
        await client.call_tool("update_session", {
            "session_id": "s1", "context": {"plan": "pro", "channel": "chat"},
            "facts": {"identity_verified": True}, "fact_ttl_seconds": 60})
        updated = (await client.call_tool("update_session", {
            "session_id": "s1", "context": {"channel": None}})).structured_content
        context = (await client.call_tool("get_context", {
            "customer_id": "c1", "message": "hi", "session_id": "s1"})).structured_content
    assert updated["context"] == {"plan": "pro"}
    assert updated["facts"] == {"identity_verified": True}
    assert context["facts"] == {"identity_verified": True}


async def test_health_resource(memory_server, era):
    async with client_for(memory_server, era) as client:
        health = json.loads((await client.read_resource("memory://health"))[0].text)
    assert health["degraded"] is False and health["session_cache"] == "in-process"
    assert set(health["backends"]) == {"memory", "sessions", "embeddings"}
