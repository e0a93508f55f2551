"""Which servers exist, how each is built from settings, and the composite that mounts them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from fastmcp import FastMCP

from events import EventBus, EventPublisher, NullPublisher
from servers.jobs import Job
from servers.jobs.settings import JobsSettings
from servers.http_app import ReadinessCheck
from servers.namespacing import mount
from servers.settings import CoreSettings


@dataclass(frozen=True)
class BuiltServer:
    server: FastMCP
    readiness: ReadinessCheck
    backends: Mapping[str, str]
    """Which backend serves each concern, for the start-up line on stderr."""
    request_state_security: Any = None
    """How this server seals 2026-07-28 request state; the suite's top level must use it."""
    service: Any = None
    """The domain object behind the server, for servers that share it (workflow)."""
    parts: Mapping[str, BuiltServer] = field(default_factory=dict)
    """For the suite: each mounted server, which HTTP also serves at its own path."""
    jobs: tuple[Job, ...] = ()
    """The periodic work this server's domain needs (run by ``serve``'s scheduler)."""


def _every(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)


def build_kb(core: CoreSettings, publisher: EventPublisher) -> BuiltServer:
    from embeddings import EmbeddingSettings, embedder_from_settings
    from servers.kb.server import build_server
    from servers.kb.service import KnowledgeBase
    from servers.kb.settings import KbSettings

    embedder = embedder_from_settings(EmbeddingSettings())
    settings = KbSettings()
    kb = KnowledgeBase(
        core.data_dir,
        embedder,
        search_cache_size=settings.search_cache_size,
        refresh_seconds=settings.refresh_seconds,
        legacy_tenant=core.default_tenant,
    )

    async def readiness() -> dict[str, bool | str]:
        return {"kb_store": await kb.ready()}

    return BuiltServer(
        build_server(
            kb,
            load_demo=core.load_demo_data,
            publisher=publisher,
            default_tenant=core.default_tenant,
        ),
        readiness,
        {"kb": f"lancedb at {kb.store.path}", "embeddings": embedder.name},
    )


def build_memory(core: CoreSettings, publisher: EventPublisher) -> BuiltServer:
    from embeddings import EmbeddingSettings, embedder_from_settings
    from memory.settings import MemorySettings
    from servers.memory.server import build_server
    from servers.memory.service import MemoryService

    service = MemoryService(
        MemorySettings(), core.data_dir, embedder_from_settings(EmbeddingSettings())
    )
    upkeep = Job("memory-upkeep", _every(JobsSettings().memory_upkeep_seconds),
                 service.long_term.upkeep,
                 "Long-term memory: drop expired memories, compact, refresh indexes.")
    return BuiltServer(
        build_server(service, default_tenant=core.default_tenant, publisher=publisher),
        service.readiness,
        service.backends,
        jobs=(upkeep,),
    )


def crm_service(core: CoreSettings, publisher: EventPublisher):
    """The CRM service from settings (not yet open), its events wired to ``publisher``, its
    SLA targets and assignment from the team's policy."""
    from orchestrator.policy import PolicySettings, policy_from_settings
    from servers.crm.service import CrmService
    from servers.crm.settings import CrmSettings
    from servers.crm.store.database import CrmDatabase

    settings = CrmSettings()
    database = CrmDatabase.from_settings(settings, core.data_dir)
    source = database.event_source()
    if source is not None and isinstance(publisher, EventBus):
        # Ticket events commit with the ticket, in the CRM's own database (crm.db or its
        # PostgreSQL schema); the bus's relay carries them on, woken by each such commit.
        database.transactional_outbox = True
        database.events_committed = publisher.wake
        publisher.add_source(source)
    return CrmService(database, publisher=publisher,
                      new_customer_tier=settings.new_customer_tier,
                      policy=policy_from_settings(PolicySettings()))


def build_crm(core: CoreSettings, publisher: EventPublisher) -> BuiltServer:
    from servers.crm.server import build_server

    crm = crm_service(core, publisher)
    database = crm.database

    async def readiness() -> dict[str, bool | str]:
        return {"crm_store": await crm.ready()}

    async def sla_scan() -> str:
        return f"{await crm.scan_sla()} SLA alerts raised"

    return BuiltServer(
        build_server(
            crm,
            publisher=publisher,
            default_tenant=core.default_tenant,
            load_demo=core.load_demo_data,
        ),
        readiness,
        {"crm": database.describe()},
        service=crm,
        jobs=(Job("sla-scan", _every(JobsSettings().sla_scan_seconds), sla_scan,
                  "Raise sla.warning and sla.breached for tickets' clocks running out."),),
    )


def build_orchestrator(
    core: CoreSettings,
    publisher: EventPublisher,
    co_located: Mapping[str, BuiltServer] | None = None,
    engine=None,
) -> BuiltServer:
    """The orchestrator, reaching kb/crm/memory in memory unless their URLs are configured."""
    from contextlib import AsyncExitStack, asynccontextmanager

    from fastmcp import Client

    from embeddings import EmbeddingSettings, embedder_from_settings
    from memory.checkpoints import describe_checkpointer, open_checkpointer
    from memory.settings import MemorySettings
    from orchestrator.engines.factory import engine_from_settings
    from orchestrator.engines.settings import LLMSettings
    from orchestrator.policy import PolicySettings, policy_from_settings
    from orchestrator.records import Records
    from orchestrator.runner import Orchestrator
    from servers.orchestrator.approval import request_state_security
    from servers.orchestrator.server import build_server
    from orchestrator.settings import OrchestratorSettings
    from orchestrator.support_tools import SupportTools, Target

    settings, memory_settings = OrchestratorSettings(), MemorySettings()
    token = settings.remote_token.get_secret_value() if settings.remote_token else None
    urls = {"kb": settings.kb_url, "crm": settings.crm_url, "memory": settings.memory_url}
    local = {
        name: (co_located or {}).get(name) or BUILDERS[name](core, publisher)
        for name, url in urls.items()
        if not url
    }
    targets = {
        name: Target(url=url, token=token) if url else Target(server=local[name].server)
        for name, url in urls.items()
    }
    orchestrator = Orchestrator(
        engine or engine_from_settings(LLMSettings(), embedder_from_settings(EmbeddingSettings())),
        publisher,
        Records(settings.runs_url(core.data_dir), schema=settings.database_schema),
        lambda: SupportTools.connect(targets),
        checkpointer=lambda: open_checkpointer(memory_settings, core.data_dir),
        lease_seconds=settings.run_lease_seconds,
        policy=policy_from_settings(PolicySettings()),
    )

    @asynccontextmanager
    async def lifespan(_):
        async with AsyncExitStack() as stack:
            # Hold the in-process servers open for the whole life of the orchestrator, so a
            # run's short-lived clients never reopen their stores.
            for part in local.values():
                await stack.enter_async_context(Client(part.server))
            await orchestrator.open()
            stack.push_async_callback(orchestrator.close)
            yield {"orchestrator": orchestrator}

    async def readiness() -> dict[str, bool | str]:
        checks = {"orchestrator": orchestrator.ready()}
        for part in local.values():
            checks.update(await part.readiness())
        return checks

    security = request_state_security(settings.sealing_keys(), settings.request_state_ttl_seconds)
    server = build_server(
        orchestrator, default_tenant=core.default_tenant, security=security, lifespan=lifespan
    )
    backends = {
        "checkpoints": describe_checkpointer(memory_settings, core.data_dir),
        "llm": LLMSettings().llm,
        **{name: url for name, url in urls.items() if url},
    }

    async def remind() -> str:
        from orchestrator.reminders import remind_waiting_approvals

        sent = await remind_waiting_approvals(orchestrator.records, orchestrator.policy,
                                              publisher)
        return f"{sent} approval reminders"

    reminders = Job("approval-reminders", _every(JobsSettings().approval_reminder_seconds),
                    remind, "Remind the team of approvals still waiting (once each).")
    jobs = (reminders, *(job for part in local.values() for job in part.jobs))
    return BuiltServer(server, readiness, backends, security, orchestrator, jobs=jobs)


def build_workflow(
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
    from contextlib import AsyncExitStack, asynccontextmanager

    from fastmcp import Client

    from events.projection import RequestAnalyticsProjection
    from servers.workflow.analytics_feed import AnalyticsFeed
    from servers.workflow.server import build_server
    from servers.workflow.service import WorkflowService
    from servers.workflow.settings import WorkflowSettings
    from servers.workflow.timeline import OutboxEventLog

    orchestrator = (co_located or {}).get("orchestrator") or build_orchestrator(core, publisher)
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
    catch_up = Job("analytics-catch-up", _every(JobsSettings().analytics_seconds),
                   feed.catch_up, "Feed the request-analytics projection what it missed.")
    return BuiltServer(server, readiness, backends, service=service,
                       jobs=(catch_up, *orchestrator.jobs))


Builder = Callable[[CoreSettings, EventPublisher], BuiltServer]
BUILDERS: dict[str, Builder] = {
    "kb": build_kb,
    "crm": build_crm,
    "memory": build_memory,
    "orchestrator": build_orchestrator,
    "workflow": build_workflow,
}
# The orchestrator's tools keep their names (triage_and_resolve); the others get a prefix.
NAMESPACES: dict[str, str | None] = {
    "kb": "kb", "crm": "crm", "memory": "memory", "orchestrator": None, "workflow": "workflow"
}


def build_suite(
    core: CoreSettings, publisher: EventPublisher, names: tuple[str, ...] = tuple(BUILDERS)
) -> BuiltServer:
    """Every server mounted into one endpoint, each under its namespace prefix.

    The orchestrator reaches the co-located servers it is mounted beside, in memory; the
    workflow server shares the orchestrator's Orchestrator.
    """
    parts = {
        name: BUILDERS[name](core, publisher)
        for name in names
        if name not in ("orchestrator", "workflow")
    }
    if "orchestrator" in names or "workflow" in names:
        parts["orchestrator"] = build_orchestrator(core, publisher, co_located=parts)
    if "workflow" in names:
        parts["workflow"] = build_workflow(core, publisher, co_located=parts)
    suite = FastMCP(
        "supportdesk",
        strict_input_validation=True,
        instructions="supportdesk: customer-support tools.",
        request_state_security=parts["orchestrator"].request_state_security
        if "orchestrator" in parts else None,
    )
    for name, part in parts.items():
        mount(suite, part.server, NAMESPACES[name])

    async def readiness() -> dict[str, bool | str]:
        checks: dict[str, bool] = {}
        for part in parts.values():
            checks.update(await part.readiness())
        return checks

    backends = {k: v for part in parts.values() for k, v in part.backends.items()}
    orchestrator = parts.get("orchestrator")
    jobs = {job.name: job for part in parts.values() for job in part.jobs}
    return BuiltServer(
        suite, readiness, backends,
        request_state_security=orchestrator.request_state_security if orchestrator else None,
        service=orchestrator.service if orchestrator else None,
        parts=parts,
        jobs=tuple(jobs.values()),
    )


def build(name: str, core: CoreSettings, publisher: EventPublisher | None = None) -> BuiltServer:
    """One server by name, or ``all`` for the composite; every part shares one publisher."""
    publisher = publisher or NullPublisher()
    if name == "all":
        return build_suite(core, publisher)
    return BUILDERS[name](core, publisher)
