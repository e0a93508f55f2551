"""The memory server built from settings, with its upkeep job."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import anyio.to_thread

from core.object_storage import store_location
from embeddings import Embedder, EmbeddingSettings, embedder_from_settings
from events import EventPublisher
from memory.backends import describe_session_cache, session_cache_from_settings
from memory.long_term import STORE_FILE, long_term_in
from memory.session_cache import SessionCache
from memory.settings import MemorySettings
from servers.built import BuiltServer, every
from servers.jobs import Job
from servers.jobs.settings import JobsSettings
from servers.memory.server import build_server
from servers.memory.service import MemoryService
from servers.settings import CoreSettings
from servers.shared_stores import write_turns

URI_VARIABLE = "SUPPORTDESK_MEMORY_LONG_TERM_URI"


def memory_service(
    settings: MemorySettings,
    data_dir: Path,
    embedder: Embedder,
    *,
    publisher: EventPublisher | None = None,
    sessions: SessionCache | None = None,
) -> MemoryService:
    """The memory service over LanceDB in ``data_dir`` and the session cache the settings
    choose (or ``sessions``), not yet open."""
    location = store_location(settings.long_term_uri, data_dir / STORE_FILE)
    long_term = long_term_in(data_dir, embedder, location=location,
                             dedupe_threshold=settings.dedupe_threshold,
                             read_consistency_seconds=settings.read_consistency_seconds,
                             turns=write_turns(URI_VARIABLE, location, data_dir, "memory"))
    if sessions is not None:
        return MemoryService(settings, long_term, sessions, publisher=publisher)
    return MemoryService(settings, long_term, session_cache_from_settings(settings),
                         publisher=publisher,
                         sessions_described=describe_session_cache(settings))


def build(core: CoreSettings, publisher: EventPublisher) -> BuiltServer:
    service = memory_service(
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
        warm_ups=(partial(anyio.to_thread.run_sync, service.long_term.embedder.load),),
    )
