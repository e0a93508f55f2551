"""Prometheus metrics for a served process: tool calls, latency, errors, runs, approvals,
jobs, notifications, domain events, the relay's backlog and readiness.

One ``Metrics`` (its own registry) per process, made at serve time and handed to the
middleware and the ``/metrics`` route — no global registry, nothing at import time.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastmcp import FastMCP
from fastmcp.server.middleware import Middleware, MiddlewareContext
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import Response

from events.outbox import LogRecord

Refresher = Callable[["Metrics"], Awaitable[None]]


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.tool_calls = Counter(
            "supportdesk_tool_calls", "MCP tool calls.", ["tool", "outcome"],
            registry=self.registry,
        )
        self.tool_seconds = Histogram(
            "supportdesk_tool_call_seconds", "MCP tool call latency.", ["tool"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )
        self.runs = Counter(
            "supportdesk_runs", "Support runs finished or paused, by status.", ["status"],
            registry=self.registry,
        )
        self.approvals_pending = Gauge(
            "supportdesk_approvals_pending", "Approvals waiting for a human decision.",
            registry=self.registry,
        )
        self.oldest_approval_age = Gauge(
            "supportdesk_oldest_pending_approval_age_seconds",
            "How long the longest-waiting approval has waited (0 when none waits).",
            registry=self.registry,
        )
        self.job_runs = Counter(
            "supportdesk_job_runs", "Scheduled job runs in this process, by outcome.",
            ["job", "outcome"], registry=self.registry,
        )
        self.job_last_run = Gauge(
            "supportdesk_job_last_run_timestamp_seconds",
            "When a scheduled job last finished in this process, by outcome.",
            ["job", "outcome"], registry=self.registry,
        )
        self.notifications = Counter(
            "supportdesk_notifications", "Notification deliveries, by channel and outcome "
            "(sent, failed: will retry, dead: gave up).", ["channel", "outcome"],
            registry=self.registry,
        )
        self.events = Counter(
            "supportdesk_events", "Domain events written to this process's event log, by "
            "type (sla.breached, approval.requested, ...).", ["type"], registry=self.registry,
        )
        self.relay_backlog = Gauge(
            "supportdesk_event_relay_backlog",
            "Events in this process's log not yet relayed to the broker (0 without one).",
            registry=self.registry,
        )
        self.ready = Gauge(
            "supportdesk_ready", "Readiness by check: 1 ready, 0.5 degraded, 0 not ready.",
            ["check"], registry=self.registry,
        )
        self.refreshers: list[Refresher] = []

    async def on_record(self, record: LogRecord) -> None:
        """Count an event appended to the log (``events.tail``)."""
        self.events.labels(record.event.type).inc()

    def notification(self, channel: str, outcome: str) -> None:
        self.notifications.labels(channel, outcome).inc()

    def job_finished(self, job: str, outcome: str, seconds: float) -> None:
        self.job_runs.labels(job, outcome).inc()
        self.job_last_run.labels(job, outcome).set(time.time())

    async def render(self) -> bytes:
        for refresh in self.refreshers:
            await refresh(self)
        return generate_latest(self.registry)


class ToolMetrics(Middleware):
    """Counts and times every tool call; a support-run result also counts the run's status."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def on_call_tool(self, context: MiddlewareContext, call_next):
        tool = context.message.name
        started = time.perf_counter()
        outcome = "error"
        try:
            result = await call_next(context)
            outcome = "ok"
            status = (getattr(result, "structured_content", None) or {}).get("status")
            if status and "run_id" in (result.structured_content or {}):
                self.metrics.runs.labels(status=status).inc()
            return result
        finally:
            self.metrics.tool_calls.labels(tool=tool, outcome=outcome).inc()
            self.metrics.tool_seconds.labels(tool=tool).observe(time.perf_counter() - started)


def add_metrics_route(server: FastMCP, metrics: Metrics) -> None:
    server.add_middleware(ToolMetrics(metrics))

    @server.custom_route("/metrics", methods=["GET"])
    async def metrics_route(_: Request) -> Response:
        return Response(await metrics.render(), media_type=CONTENT_TYPE_LATEST)
