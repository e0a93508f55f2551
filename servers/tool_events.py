"""A tool.called event for every tool call: which tool, who, how long, ok or error.

Argument values are never recorded (they may hold customer text or PII). Publishing can
neither fail a call nor hold it up for long: the event is handed to the publisher (normally
one outbox insert) and the call waits at most ``budget_seconds`` for it; after that the
publish finishes in the background, and any failure is only logged.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from fastmcp.server.middleware import CallNext, Middleware, MiddlewareContext

from events import Envelope, EventPublisher, make_event
from events.types import ToolCalled
from servers.identity import current_caller

logger = logging.getLogger(__name__)


class ToolEvents(Middleware):
    """Publishes ``tool.called`` for each call to the server it is added to."""

    def __init__(
        self,
        publisher: EventPublisher,
        *,
        server: str,
        default_tenant: str,
        budget_seconds: float = 0.05,
    ) -> None:
        self.publisher = publisher
        self.server = server
        self.default_tenant = default_tenant
        self.budget_seconds = budget_seconds
        self._background: set[asyncio.Task[None]] = set()

    async def on_call_tool(self, context: MiddlewareContext[Any], call_next: CallNext) -> Any:
        started = time.perf_counter()
        outcome = "error"
        try:
            result = await call_next(context)
            outcome = "error" if getattr(result, "is_error", False) else "ok"
            return result
        finally:
            duration_ms = (time.perf_counter() - started) * 1000
            await self._publish(context.message.name, duration_ms, outcome)

    async def _publish(self, tool: str, duration_ms: float, outcome: str) -> None:
        try:
            caller = current_caller(self.default_tenant)
            event = make_event(
                ToolCalled(
                    tool=tool,
                    server=self.server,
                    principal=caller.principal,
                    duration_ms=round(duration_ms, 3),
                    outcome=outcome,
                ),
                tenant=caller.tenant,
            )
            task = asyncio.create_task(self._send(event))
        except Exception:  # an event must never fail the call it describes
            logger.exception("tool.called event for %s/%s not built", self.server, tool)
            return
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        try:
            await asyncio.wait_for(asyncio.shield(task), self.budget_seconds)
        except TimeoutError:
            logger.warning("tool.called event for %s/%s still publishing", self.server, tool)

    async def _send(self, event: Envelope) -> None:
        try:
            await self.publisher.publish(event)
        except Exception:  # logged, never raised: nobody may be waiting any more
            logger.exception("tool.called event %s not published", event.id)

    async def drain(self) -> None:
        """Wait for publishes that outlived their call's budget (at shutdown)."""
        if self._background:
            await asyncio.gather(*self._background)
