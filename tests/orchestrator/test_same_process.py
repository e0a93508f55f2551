"""A co-located server called directly: served as over a transport — in its own context,
cancelled with its caller, the caller's ``_meta`` and errors as they are."""

import asyncio
import contextvars

from fastmcp import Client, Context, FastMCP

from orchestrator.same_process import SameProcessTransport

SERVING = contextvars.ContextVar("serving", default="nobody")


def server() -> tuple[FastMCP, dict]:
    seen: dict = {"started": asyncio.Event(), "cancelled": asyncio.Event()}
    mcp = FastMCP("co-located")

    @mcp.tool
    async def whose_request(ctx: Context) -> dict:
        """What this request sees of its caller's context and meta."""
        meta = ctx.request_context.meta if ctx.request_context else None
        return {"serving": SERVING.get(), "meta": dict(meta or {}).get("acting")}

    @mcp.tool
    async def wait() -> str:
        """Wait until cancelled."""
        seen["started"].set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            seen["cancelled"].set()
            raise
        return "never"

    @mcp.tool
    def fail() -> str:
        """Raise."""
        raise ValueError("the tool's own message")

    return mcp, seen


async def test_a_request_made_while_serving_another_does_not_carry_that_ones_context():
    mcp, _ = server()
    async with Client(SameProcessTransport(mcp)) as client:
        SERVING.set("an HTTP caller's request")  # as while serving someone's call
        result = await client.call_tool_mcp("whose_request", {}, meta={"acting": "tenant-a"})
    assert result.structured_content == {"serving": "nobody", "meta": "tenant-a"}


async def test_cancelling_the_caller_cancels_the_request_it_waits_on():
    mcp, seen = server()
    async with Client(SameProcessTransport(mcp)) as client:
        call = asyncio.create_task(client.call_tool_mcp("wait", {}))
        await asyncio.wait_for(seen["started"].wait(), 10)
        call.cancel()
        await asyncio.wait_for(seen["cancelled"].wait(), 10)


async def test_a_tool_error_comes_back_as_an_error_result():
    mcp, _ = server()
    async with Client(SameProcessTransport(mcp)) as client:
        result = await client.call_tool_mcp("fail", {})
    assert result.is_error
    assert "the tool's own message" in result.content[0].text
