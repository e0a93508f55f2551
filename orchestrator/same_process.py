"""Calling a server that lives in this process: the request handed to it, not framed and
streamed.

fastmcp's in-memory transport frames each request as JSON-RPC and passes it through a pair
of memory streams to the server's message loop, which spawns a task to serve it. The MCP SDK
also has a dispatcher that hands a request straight to the server's per-request path (the
2026-07-28 era's: the protocol version and client capabilities travel with each request).
That path serves the same middleware and tools with about a quarter less CPU per call.

Each request still runs as its own task, in a copy of the context the connection was opened
in, as the stream transport's server does: a request made while serving someone else's
(the orchestrator's call on behalf of an HTTP caller) does not carry that request's access
token or fastmcp context into the server it calls.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import anyio
from fastmcp.client.transports import FastMCPTransport
from fastmcp.client.transports.base import VersionAwareClientSession
from fastmcp.client.transports.memory import _enter_server_lifespan, _lowlevel_of
from mcp.server.runner import modern_on_request
from mcp.shared.direct_dispatcher import create_direct_dispatcher_pair


class _SameProcessSession(VersionAwareClientSession):
    """Takes a co-located server's structured results as they come.

    An MCP client checks each structured result against the tool's output schema. A server
    in this process built the result from the very type its schema was made from, so the
    check could only fail on a bug in fastmcp, and it cost about 6 ms of a resolution's
    CPU (jsonschema over eleven results). Remote servers, which may run another version,
    are still checked, as is every result an MCP client of the suite receives.
    """

    async def validate_tool_result(self, name: str, result: Any) -> None:
        return None


class SameProcessTransport(FastMCPTransport):
    """A co-located FastMCP server, each request handed to it directly (see above)."""

    @asynccontextmanager
    async def connect_session(self, **session_kwargs: Any) -> AsyncIterator[Any]:
        session_kwargs.pop("transport_options", None)  # the session class is ours
        lowlevel = _lowlevel_of(self.server)
        opened_in = contextvars.copy_context()
        async with _enter_server_lifespan(server=self.server), AsyncExitStack() as stack:
            state = await stack.enter_async_context(lowlevel.lifespan(lowlevel))
            client_side, server_side = create_direct_dispatcher_pair(
                raise_handler_exceptions=False)  # an unexpected error reads as on the wire
            tasks = await stack.enter_async_context(anyio.create_task_group())
            stack.callback(server_side.close)
            await tasks.start(server_side.run,
                              _each_in_own_task(modern_on_request(lowlevel, state), opened_in),
                              _no_notifications)
            async with _SameProcessSession(dispatcher=client_side, **session_kwargs) as session:
                yield session


def _each_in_own_task(serve, context: contextvars.Context):
    """Serve each request in its own task with a copy of ``context``; cancelling the caller
    cancels it (asyncio passes a waiting task's cancellation on to what it awaits)."""

    async def handle(dispatch: Any, method: str, params: Mapping[str, Any] | None):
        return await asyncio.create_task(serve(dispatch, method, params),
                                         context=context.copy())

    return handle


async def _no_notifications(*_: Any) -> None:
    """The servers called this way get no notifications from the orchestrator."""
