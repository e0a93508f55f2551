"""The memory server built from settings, with its upkeep job."""

from __future__ import annotations

from embeddings import EmbeddingSettings, embedder_from_settings
from events import EventPublisher
from memory.settings import MemorySettings
from servers.built import BuiltServer, every
from servers.jobs import Job
from servers.jobs.settings import JobsSettings
from servers.memory.server import build_server
from servers.memory.service import MemoryService
from servers.settings import CoreSettings


def build(core: CoreSettings, publisher: EventPublisher) -> BuiltServer:
    service = MemoryService(
        MemorySettings(), core.data_dir, embedder_from_settings(EmbeddingSettings())
    )
    upkeep = Job("memory-upkeep", every(JobsSettings().memory_upkeep_seconds),
                 service.long_term.upkeep,
                 "Long-term memory: drop expired memories, compact, refresh indexes.")
    return BuiltServer(
        build_server(service, default_tenant=core.default_tenant, publisher=publisher),
        service.readiness,
        service.backends,
        jobs=(upkeep,),
    )
