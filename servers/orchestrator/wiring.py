"""The orchestrator built from settings: its engine, stores, the kb/crm/memory servers it
reaches (in memory when co-located, over HTTP when their URLs are configured) and the
approval-reminder job."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AsyncExitStack, asynccontextmanager

from fastmcp import Client

from embeddings import EmbeddingSettings, embedder_from_settings
from events import EventPublisher
from memory.checkpoints import describe_checkpointer, open_checkpointer
from memory.settings import MemorySettings
from orchestrator.engines.factory import engine_from_settings
from orchestrator.engines.settings import LLMSettings
from orchestrator.language import load_model as load_language_model
from orchestrator.policy import PolicySettings, policy_from_settings
from orchestrator.records import Records
from orchestrator.reminders import remind_waiting_approvals
from orchestrator.runner import Orchestrator
from orchestrator.settings import OrchestratorSettings
from orchestrator.support_tools import SupportTools, Target
from servers.built import BuiltServer, every
from servers.jobs import Job
from servers.jobs.settings import JobsSettings
from servers.orchestrator.approval import request_state_security
from servers.orchestrator.server import build_server
from servers.registry import BUILDERS
from servers.settings import CoreSettings


def build(
    core: CoreSettings,
    publisher: EventPublisher,
    co_located: Mapping[str, BuiltServer] | None = None,
    engine=None,
) -> BuiltServer:
    """The orchestrator, reaching kb/crm/memory in memory unless their URLs are configured."""
    settings, memory_settings = OrchestratorSettings(), MemorySettings()
    urls = {"kb": settings.kb_url, "crm": settings.crm_url, "memory": settings.memory_url}
    local = {
        name: (co_located or {}).get(name) or BUILDERS[name](core, publisher)
        for name, url in urls.items()
        if not url
    }
    targets = _targets(settings, urls, local)
    orchestrator = Orchestrator(
        engine or engine_from_settings(LLMSettings(), embedder_from_settings(EmbeddingSettings())),
        publisher,
        Records(settings.runs_url(core.data_dir), schema=settings.database_schema),
        lambda: SupportTools.connect(targets),
        checkpointer=lambda: open_checkpointer(memory_settings, core.data_dir),
        lease_seconds=settings.run_lease_seconds,
        policy=policy_from_settings(PolicySettings()),
        checkpoint_every_step=settings.checkpoint_every_step,
        progress_every=settings.progress_every_seconds,
    )

    async def readiness() -> dict[str, bool | str]:
        checks = {"orchestrator": orchestrator.ready()}
        for part in local.values():
            checks.update(await part.readiness())
        return checks

    security = request_state_security(settings.sealing_keys(), settings.request_state_ttl_seconds)
    server = build_server(orchestrator, default_tenant=core.default_tenant, security=security,
                          lifespan=_holding_open(orchestrator, local))
    backends = {
        "checkpoints": describe_checkpointer(memory_settings, core.data_dir),
        "llm": LLMSettings().llm,
        **{name: url for name, url in urls.items() if url},
    }
    jobs = (_reminders(orchestrator, publisher),
            *(job for part in local.values() for job in part.jobs))
    # The language model last: the first search after a restart waits on the others.
    warm_ups = (*(w for part in local.values() for w in part.warm_ups), load_language_model)
    return BuiltServer(server, readiness, backends, security, orchestrator, jobs=jobs,
                       warm_ups=warm_ups)


def _targets(
    settings: OrchestratorSettings, urls: Mapping[str, str | None],
    local: Mapping[str, BuiltServer],
) -> dict[str, Target]:
    token = settings.remote_token.get_secret_value() if settings.remote_token else None
    timeout = settings.server_call_timeout_seconds
    return {
        name: Target(url=url, token=token, call_timeout=timeout) if url
        else Target(server=local[name].server, call_timeout=timeout)
        for name, url in urls.items()
    }


def _holding_open(orchestrator: Orchestrator, local: Mapping[str, BuiltServer]):
    """The orchestrator's lifespan: the in-process servers are held open for its whole life,
    so a run's short-lived clients never reopen their stores."""

    @asynccontextmanager
    async def lifespan(_):
        async with AsyncExitStack() as stack:
            for part in local.values():
                await stack.enter_async_context(Client(part.server))
            await orchestrator.open()
            stack.push_async_callback(orchestrator.close)
            yield {"orchestrator": orchestrator}

    return lifespan


def _reminders(orchestrator: Orchestrator, publisher: EventPublisher) -> Job:
    async def remind() -> str:
        sent = await remind_waiting_approvals(orchestrator.records, orchestrator.policy,
                                              publisher)
        return f"{sent} approval reminders"

    return Job("approval-reminders", every(JobsSettings().approval_reminder_seconds),
               remind, "Remind the team of approvals still waiting (once each).")
