"""The workflow server built from settings, over the orchestrator's runs and approvals and the
event log, with the analytics catch-up job."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AsyncExitStack, asynccontextmanager

from fastmcp import Client

from events import EventBus, EventPublisher
from events.projection import RequestAnalyticsProjection
from servers.built import BuiltServer, every
from servers.jobs import Job
from servers.jobs.settings import JobsSettings
from servers.orchestrator import wiring as orchestrator_wiring
from servers.settings import CoreSettings
from servers.workflow.analytics_feed import AnalyticsFeed
from servers.workflow.server import build_server
from servers.workflow.service import WorkflowService
from servers.workflow.settings import WorkflowSettings
from servers.workflow.timeline import OutboxEventLog


def build(
    core: CoreSettings,
    publisher: EventPublisher,
    co_located: Mapping[str, BuiltServer] | None = None,
) -> BuiltServer:
    """The workflow server over the orchestrator's runs and approvals and the event log.

    Beside an orchestrator (``co_located["orchestrator"]``) it shares that Orchestrator, so a
    decision resumes the run in the same process; alone it builds its own over the same
    stores (data dir / database URLs), which lets it resume runs started elsewhere. When
    ``publisher`` is the process's event bus, the analytics projection consumes from it and
    request timelines are read from its local log.
    """
    orchestrator = (co_located or {}).get("orchestrator") or orchestrator_wiring.build(
        core, publisher)
    bus = publisher if isinstance(publisher, EventBus) else None
    feed = AnalyticsFeed(
        RequestAnalyticsProjection(WorkflowSettings().analytics_file(core.data_dir)), bus
    )
    event_log = OutboxEventLog(bus.outbox) if bus is not None else None
    service = WorkflowService(orchestrator.service, feed, event_log)

    @asynccontextmanager
    async def lifespan(_):
        async with AsyncExitStack() as stack:
            # Holds the orchestrator open (its lifespan is shared and counted when the suite
            # also runs it), then feeds the projection while serving.
            await stack.enter_async_context(Client(orchestrator.server))
            stack.push_async_callback(service.close)
            await stack.enter_async_context(feed.running())
            yield {"workflow": service}

    async def readiness() -> dict[str, bool | str]:
        return {"workflow": service.ready(), **await orchestrator.readiness()}

    server = build_server(
        service, default_tenant=core.default_tenant, publisher=publisher, lifespan=lifespan
    )
    backends = {
        "analytics": feed.describe(),
        "timeline": event_log.describe() if event_log else "unavailable (no event bus)",
        **({} if co_located and "orchestrator" in co_located else orchestrator.backends),
    }
    catch_up = Job("analytics-catch-up", every(JobsSettings().analytics_seconds),
                   feed.catch_up, "Feed the request-analytics projection what it missed.")
    return BuiltServer(server, readiness, backends, service=service,
                       jobs=(catch_up, *orchestrator.jobs), warm_ups=orchestrator.warm_ups)
