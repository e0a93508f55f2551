"""The memory server as a real process (streamable HTTP, stdio) and inside the suite."""

from __future__ import annotations

import httpx
from fastmcp.client.transports import StdioTransport

from events import MemoryPublisher
from servers.cli import SERVER_CHOICES
from servers.settings import CoreSettings
from servers.suite import build_suite
from tests.support.eras import client_for
from tests.support.processes import SUPPORTDESK, http_server, server_env
from tests.support.services import own_redis, unique_name, wait_until

FAST_EMBEDDINGS = {"SUPPORTDESK_EMBEDDINGS_MODEL": "hashing"}


def readiness(server) -> httpx.Response:
    return httpx.get(f"{server.base_url}/readyz", timeout=5)


async def test_over_http_with_redis_readiness_follows_an_outage(tmp_path, era):
    with own_redis() as redis_server:
        env = {**FAST_EMBEDDINGS, "SUPPORTDESK_MEMORY_REDIS_URL": redis_server.url,
               "SUPPORTDESK_MEMORY_REDIS_KEY_PREFIX": unique_name("sdtest"),
               "SUPPORTDESK_MEMORY_REDIS_RETRY_SECONDS": "0.05"}
        with http_server("memory", data_dir=tmp_path, env=env) as server:
            assert readiness(server).json()["checks"] == {
                "memory_store": True, "memory_session_cache": True, "jobs": True}
            async with client_for(server.mcp_url, era) as client:
                assert client.protocol_version == era
                await client.call_tool("append_turn", {"session_id": "s1", "role": "customer",
                                                       "content": "hello over http"})
                redis_server.stop()
                degraded = readiness(server)
                # Still in service (a shared Redis blinking must not empty the load
                # balancer), and saying it serves sessions from the local tier.
                assert degraded.status_code == 200
                assert degraded.json()["status"] == "degraded"
                assert degraded.json()["checks"]["memory_session_cache"] == "degraded"
                # Still answering, from the local tier.
                await client.call_tool("append_turn", {"session_id": "s1", "role": "agent",
                                                       "content": "still here"})
                session = await client.call_tool("get_session", {"session_id": "s1"})
                assert [t["content"] for t in session.structured_content["turns"]] == [
                    "hello over http", "still here"]
                redis_server.start()
                wait_until(lambda: readiness(server).json()["status"] == "ready", timeout=10,
                           what="readiness after redis returns")
            assert "session cache degraded" in server.stderr()
            assert "session cache recovered" in server.stderr()


async def test_over_stdio(tmp_path, era):
    transport = StdioTransport(SUPPORTDESK, ["serve", "memory", "--transport", "stdio"],
                               env=server_env(tmp_path, FAST_EMBEDDINGS))
    async with client_for(transport, era) as client:
        assert client.protocol_version == era
        remembered = await client.call_tool("remember", {"customer_id": "c1",
                                                         "content": "Prefers email"})
        hits = await client.call_tool("recall", {"query": "Prefers email"})
    assert hits.structured_content["memories"][0]["id"] == (
        remembered.structured_content["memory_id"])


async def test_the_suite_mounts_memory_under_its_namespace(tmp_path, era):
    assert "memory" in SERVER_CHOICES
    core = CoreSettings(data_dir=tmp_path, load_demo_data=False)
    publisher = MemoryPublisher()
    suite = build_suite(core, publisher, names=("memory",))
    async with client_for(suite.server, era) as client:
        names = {tool.name for tool in await client.list_tools()}
        await client.call_tool("memory_remember", {"customer_id": "c1", "content": "Hi"})
        assert await suite.readiness() == {"memory_store": True, "memory_session_cache": True}
    assert {"memory_remember", "memory_recall", "memory_forget"} <= names
    assert publisher.of_type("memory.written")[0].tenant == core.default_tenant
