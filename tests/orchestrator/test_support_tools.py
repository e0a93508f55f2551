"""The orchestrator's memory calls over MCP: recording a run's turns reads the session only."""

import pytest
from fastmcp.server.middleware import Middleware

from memory.settings import MemorySettings
from orchestrator.support_tools import SupportToolError, SupportTools, Target
from servers.identity import Caller
from servers.memory.server import build_server
from servers.memory.service import MemoryService

TURNS = [("customer", "My export is stuck at 0%."), ("agent", "I restarted it for you.")]


class ToolLog(Middleware):
    """Which tools the server was asked to run, in order."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def on_call_tool(self, context, call_next):
        self.calls.append(context.message.name)
        return await call_next(context)


@pytest.fixture
def memory(tmp_path, embedder):
    log = ToolLog()
    service = MemoryService(MemorySettings(), tmp_path / "data", embedder)
    server = build_server(service, default_tenant="acme")
    server.add_middleware(log)
    return server, log


@pytest.fixture
async def tools(memory):
    server, _ = memory
    async with SupportTools.connect({"memory": Target(server=server)}) as connected:
        yield connected.acting_for(Caller("acme", "orchestrator"))


async def test_recording_turns_again_writes_nothing_and_never_recalls(tools, memory):
    _, log = memory
    await tools.record_turns("C-000001", "req-1", TURNS)
    await tools.record_turns("C-000001", "req-1", TURNS)
    assert await tools.session_turns("req-1", last=10) == TURNS
    assert log.calls == [
        "get_session", "append_turn", "append_turn",  # a new session: both turns written
        "get_session",  # the repeat finds them there
        "get_session",
    ]


async def test_a_session_not_started_has_no_turns(tools):
    assert await tools.session_turns("never-written", last=2) == []


async def test_other_session_errors_are_not_taken_for_an_empty_session(tools):
    with pytest.raises(SupportToolError, match="session_id"):
        await tools.session_turns("../elsewhere", last=2)
