"""The suite finds a called tool in the server its prefix names, and only there; each server
asks its one provider of tools directly, fastmcp's checks on the found tool unchanged."""

import pytest
from fastmcp import Client, FastMCP
from fastmcp.exceptions import ToolError
from fastmcp.server.providers.aggregate import AggregateProvider

from servers.namespacing import mount
from servers.tool_routing import ServerOfTools, SuiteServer


def _server(name: str, *tools: str) -> FastMCP:
    server = FastMCP(name)
    for tool in tools:
        server.tool(lambda tool=tool: f"{name}.{tool}", name=tool)
    return server


@pytest.fixture
def suite() -> SuiteServer:
    suite = SuiteServer("suite")
    mount(suite, _server("kb", "ping", "search"), "kb")
    mount(suite, _server("crm", "ping"), "crm")
    mount(suite, _server("orchestrator", "triage_and_resolve", "kb_lookalike"), None)
    return suite


async def test_each_name_reaches_its_own_server_every_time(suite):
    async with Client(suite) as client:
        for _ in range(2):  # the second call is answered by the kept lookup
            for name, answer in [("kb_ping", "kb.ping"), ("crm_ping", "crm.ping"),
                                 ("kb_search", "kb.search"),
                                 ("triage_and_resolve", "orchestrator.triage_and_resolve")]:
                assert (await client.call_tool(name, {})).content[0].text == answer


async def test_a_name_its_prefix_server_lacks_is_still_found_where_it_is(suite):
    async with Client(suite) as client:
        assert (await client.call_tool("kb_lookalike", {})).content[0].text == "orchestrator.kb_lookalike"


async def test_an_unknown_name_is_an_unknown_tool(suite):
    async with Client(suite) as client:
        with pytest.raises(ToolError, match="nope"):
            await client.call_tool("kb_nope", {})


def test_two_servers_under_one_prefix_are_refused():
    suite = SuiteServer("suite")
    mount(suite, _server("a", "ping"), "kb")
    with pytest.raises(ValueError, match="'kb'"):
        mount(suite, _server("b", "ping"), "kb")


async def test_a_tool_of_the_suite_s_own_is_found_every_time(suite):
    suite.tool(lambda: "suite.own", name="own")
    async with Client(suite) as client:
        for _ in range(2):
            assert (await client.call_tool("own", {})).content[0].text == "suite.own"


def _server_of_tools(*tools: str) -> ServerOfTools:
    server = ServerOfTools("tools")
    for tool in tools:
        server.tool(lambda tool=tool: tool, name=tool)
    return server


@pytest.fixture
def no_task_per_provider(monkeypatch):
    """fastmcp's ask-every-provider lookup, made to fail: only a direct one gets through."""

    async def ask_every_provider(*_args, **_kwargs):
        raise AssertionError("looked up through a task per provider")

    monkeypatch.setattr(AggregateProvider, "_get_tool", ask_every_provider)


async def test_a_server_asks_its_one_provider_directly(no_task_per_provider):
    async with Client(_server_of_tools("ping", "pong")) as client:
        assert (await client.call_tool("pong", {})).content[0].text == "pong"
        with pytest.raises(ToolError, match="nope"):
            await client.call_tool("nope", {})


async def test_fastmcp_still_hides_a_disabled_tool(no_task_per_provider):
    server = _server_of_tools("ping", "pong")
    server.disable(names={"pong"})
    async with Client(server) as client:
        assert (await client.call_tool("ping", {})).content[0].text == "ping"
        with pytest.raises(ToolError, match="pong"):
            await client.call_tool("pong", {})


async def test_a_server_with_more_providers_asks_them_all():
    server = _server_of_tools("ping")
    server.mount(_server("other", "pong"))
    async with Client(server) as client:
        assert (await client.call_tool("pong", {})).content[0].text == "other.pong"
        assert (await client.call_tool("ping", {})).content[0].text == "ping"
