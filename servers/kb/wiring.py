"""The knowledge-base server built from settings."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from core.object_storage import store_location
from embeddings import Embedder, EmbeddingSettings, embedder_from_settings
from events import EventPublisher
from servers.built import BuiltServer, every
from servers.jobs import Job
from servers.jobs.settings import JobsSettings
from servers.kb.server import build_server
from servers.kb.service import KnowledgeBase
from servers.kb.serving_index import ServingIndex
from servers.kb.settings import KbSettings
from servers.kb.store import ArticleStore
from servers.settings import CoreSettings
from servers.shared_stores import write_turns


URI_VARIABLE = "SUPPORTDESK_KB_URI"


def knowledge_base(
    data_dir: Path,
    embedder: Embedder,
    *,
    search_cache_size: int = 1024,
    refresh_seconds: float | None = None,
    legacy_tenant: str = "demo",
    uri: str | None = None,
    serving_max_passages: int = KbSettings.model_fields["serving_max_passages"].default,
) -> KnowledgeBase:
    """The knowledge base over LanceDB at ``uri`` (default: ``data_dir``), not yet open.

    ``refresh_seconds``: how often to pick up other processes' writes (None: never).
    ``legacy_tenant``: whose articles a store from before tenancy holds.
    ``serving_max_passages``: a tenant up to this size is searched in memory (0: never)."""
    location = store_location(uri, data_dir / "kb.lance")
    store = ArticleStore(location, embedder.dim, refresh_seconds=refresh_seconds,
                         legacy_tenant=legacy_tenant,
                         turns=write_turns(URI_VARIABLE, location, data_dir, "kb"))
    index = store
    if serving_max_passages:
        index = ServingIndex(store, max_passages=serving_max_passages)
    return KnowledgeBase(index, embedder, search_cache_size=search_cache_size)


def kb_from_settings(core: CoreSettings) -> KnowledgeBase:
    settings = KbSettings()
    return knowledge_base(core.data_dir, embedder_from_settings(EmbeddingSettings()),
                          search_cache_size=settings.search_cache_size,
                          refresh_seconds=settings.refresh_seconds,
                          legacy_tenant=core.default_tenant, uri=settings.uri,
                          serving_max_passages=settings.serving_max_passages)


def build(core: CoreSettings, publisher: EventPublisher) -> BuiltServer:
    kb = kb_from_settings(core)
    embedder = kb.embedder
    jobs = ()
    if kb.store.location.shared:
        jobs = (Job("kb-upkeep", every(JobsSettings().kb_upkeep_seconds), kb.store.upkeep,
                    "Knowledge base on object storage: indexes, compaction."),)

    async def readiness() -> dict[str, bool | str]:
        return {"kb_store": await kb.ready()}

    server = build_server(kb, load_demo=core.load_demo_data, publisher=publisher,
                          default_tenant=core.default_tenant)
    return BuiltServer(server, readiness,
                       {"kb": kb.store.describe(), "embeddings": embedder.name}, jobs=jobs,
                       warm_ups=(partial(kb.warm, core.default_tenant),))
