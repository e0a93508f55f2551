"""The orchestrator's memory calls over MCP: recording a run's turns writes each turn once,
under a key of the run, without reading the session first."""

import pytest
from fastmcp import Client, FastMCP
from fastmcp.client.transports import StreamableHttpTransport
from fastmcp.server.middleware import Middleware
from fastmcp.tools import ToolResult

from memory.settings import MemorySettings
from orchestrator.support_tools import SupportToolError, SupportTools, Target
from servers.identity import Caller
from servers.memory.server import build_server
from servers.memory.wiring import memory_service

TURNS = [("customer", "My export is stuck at 0%."), ("agent", "I restarted it for you.")]


class ToolLog(Middleware):
    """Which tools the server was asked to run, in order, and which of them failed."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.failed: list[str] = []

    async def on_call_tool(self, context, call_next):
        self.calls.append(context.message.name)
        try:
            result = await call_next(context)
        except Exception:
            self.failed.append(context.message.name)
            raise
        if getattr(result, "is_error", False):
            self.failed.append(context.message.name)
        return result


@pytest.fixture
def memory(tmp_path, embedder):
    log = ToolLog()
    service = memory_service(MemorySettings(), tmp_path / "data", embedder)
    server = build_server(service, default_tenant="acme")
    server.add_middleware(log)
    return server, log


@pytest.fixture
async def tools(memory):
    server, _ = memory
    async with SupportTools.connect({"memory": Target(server=server)}) as connected:
        yield connected.acting_for(Caller("acme", "orchestrator"))


async def session_turns(server, session_id: str) -> list[tuple[str, str]]:
    async with Client(server) as client:
        session = await client.call_tool("get_session", {"session_id": session_id})
    return [(t["role"], t["content"]) for t in session.structured_content["turns"]]


async def test_recording_a_new_session_only_appends_and_nothing_fails(tools, memory):
    server, log = memory
    assert await tools.record_turns("C-000001", "req-1", TURNS, idempotency_key="run-1") == 2
    assert log.calls == ["append_turns"]  # one call, no get_session before writing
    assert log.failed == []
    assert await session_turns(server, "req-1") == TURNS


async def test_recording_turns_again_writes_nothing(tools, memory):
    server, log = memory
    await tools.record_turns("C-000001", "req-1", TURNS, idempotency_key="run-1")
    assert await tools.record_turns("C-000001", "req-1", TURNS, idempotency_key="run-1") == 0
    assert log.calls == ["append_turns"] * 2 and log.failed == []
    assert await session_turns(server, "req-1") == TURNS


async def test_a_rerun_after_a_crash_between_turns_adds_only_the_missing_turn(tools, memory):
    server, _ = memory
    await tools.record_turns("C-000001", "req-1", TURNS[:1], idempotency_key="run-1")
    assert await tools.record_turns("C-000001", "req-1", TURNS, idempotency_key="run-1") == 1
    assert await session_turns(server, "req-1") == TURNS


async def test_a_tool_that_fails_is_an_error_naming_the_tool_and_what_the_server_said(tools):
    with pytest.raises(SupportToolError, match=r"(?s)memory\.append_turns: .*session_id"):
        await tools.record_turns("C-000001", "no spaces allowed", TURNS, idempotency_key="run-1")


def drifting_server():
    """A server whose result does not match the output schema it lists."""
    server = FastMCP("drifting")

    @server.tool(output_schema={"type": "object", "properties": {"n": {"type": "integer"}},
                                "required": ["n"]})
    def count() -> ToolResult:
        return ToolResult(structured_content={"n": "seven"})

    return server


async def test_a_co_located_servers_results_are_taken_as_they_come():
    """A server in the same process built its result from its own schema's type: the
    orchestrator's client does not check it again (a remote server's results are checked)."""
    server = drifting_server()
    async with Client(server) as checking:  # what an ordinary MCP client does
        with pytest.raises(RuntimeError, match="Invalid structured content"):
            await checking.call_tool_mcp("count", {})
    async with SupportTools.connect({"kb": Target(server=server)}) as connected:
        assert await connected._call("kb", "count") == {"n": "seven"}
    remote = Target(url="http://127.0.0.1:1/mcp").client().transport
    assert isinstance(remote, StreamableHttpTransport)
