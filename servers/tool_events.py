"""A tool.called event for every tool call: which tool, who, how long, ok or error.

Argument values are never recorded (they may hold customer text or PII). Publishing can
neither fail a call nor hold it up: a call's event joins those gathered over the next
``gather_seconds`` and they are published together, so a burst of calls costs one outbox
commit (and one read of the live tail) rather than one each — under load, a commit per call
was about a sixth of a trivial call's server time. A crash can lose the events of that last
window; domain events are not gathered. ``drain`` publishes what is gathered (at shutdown).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from fastmcp import FastMCP
from fastmcp.server.middleware import CallNext, Middleware, MiddlewareContext

from events import Envelope, EventPublisher, make_event
from events.types import ToolCalled
from servers.identity import current_caller

logger = logging.getLogger(__name__)
GATHER_SECONDS = 0.01


class ToolEvents(Middleware):
    """Publishes ``tool.called`` for each call to the server it is added to."""

    def __init__(
        self,
        publisher: EventPublisher,
        *,
        server: str,
        default_tenant: str,
        gather_seconds: float = GATHER_SECONDS,
    ) -> None:
        self.publisher = publisher
        self.server = server
        self.default_tenant = default_tenant
        self.gather_seconds = gather_seconds
        self._gathered: list[Envelope] = []
        self._publishing: asyncio.Task[None] | None = None

    async def on_call_tool(self, context: MiddlewareContext[Any], call_next: CallNext) -> Any:
        started = time.perf_counter()
        outcome = "error"
        try:
            result = await call_next(context)
            outcome = "error" if getattr(result, "is_error", False) else "ok"
            return result
        finally:
            duration_ms = (time.perf_counter() - started) * 1000
            self._gather(context.message.name, duration_ms, outcome)

    def _gather(self, tool: str, duration_ms: float, outcome: str) -> None:
        try:
            caller = current_caller(self.default_tenant)
            self._gathered.append(make_event(
                ToolCalled(
                    tool=tool,
                    server=self.server,
                    principal=caller.principal,
                    duration_ms=round(duration_ms, 3),
                    outcome=outcome,
                ),
                tenant=caller.tenant,
            ))
        except Exception:  # an event must never fail the call it describes
            logger.exception("tool.called event for %s/%s not built", self.server, tool)
            return
        if self._publishing is None or self._publishing.done():
            self._publishing = asyncio.create_task(self._publish_gathered(self.gather_seconds))

    async def _publish_gathered(self, after_seconds: float) -> None:
        await asyncio.sleep(after_seconds)
        while self._gathered:
            events, self._gathered = self._gathered, []
            try:
                await self.publisher.publish(*events)
            except Exception:  # logged, never raised: no call is waiting for it
                logger.exception("%d tool.called events of %s not published", len(events),
                                 self.server)

    async def drain(self) -> None:
        """Publish what is gathered now, and wait for publishes under way."""
        if self._publishing is not None and not self._publishing.done():
            await self._publishing
        if self._gathered:
            await self._publish_gathered(0)


async def drain_tool_events(*servers: FastMCP) -> None:
    """Publish the tool.called events ``servers`` have gathered (before the bus closes)."""
    for server in servers:
        for middleware in server.middleware:
            if isinstance(middleware, ToolEvents):
                await middleware.drain()
