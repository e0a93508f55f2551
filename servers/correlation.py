"""Request and correlation ids on every log line of every server a run touches.

A caller may name the correlation id in the request ``_meta`` (the orchestrator passes its
run id to the servers it calls); otherwise each request starts its own. The ids live in
context variables that the log formatter reads.
"""

from __future__ import annotations

import logging
import secrets
from contextvars import ContextVar

from fastmcp.server.middleware import Middleware, MiddlewareContext

from core.calls import CORRELATION_KEY

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
logger = logging.getLogger("supportdesk.calls")


class Correlation(Middleware):
    """Sets the ids for the duration of each request and logs each tool call (no arguments)."""

    def __init__(self, server: str) -> None:
        self.server = server

    async def on_request(self, context: MiddlewareContext, call_next):
        ctx = context.fastmcp_context
        rc = ctx.request_context if ctx else None
        meta = (rc.meta if rc else None) or {}
        incoming = meta.get(CORRELATION_KEY)
        corr = correlation_id.set(str(incoming) if incoming else secrets.token_hex(8))
        req = request_id.set(str(rc.request_id) if rc and rc.request_id is not None else None)
        try:
            return await call_next(context)
        finally:
            request_id.reset(req)
            correlation_id.reset(corr)

    async def on_call_tool(self, context: MiddlewareContext, call_next):
        logger.debug("tool call %s.%s", self.server, context.message.name)
        return await call_next(context)


class CorrelationFields(logging.Filter):
    """Copies the current ids onto each log record (as ``correlation_id``/``request_id``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = correlation_id.get()
        record.request_id = request_id.get()
        return True
