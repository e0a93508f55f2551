"""The knowledge-base server built from settings."""

from __future__ import annotations

from pathlib import Path

from embeddings import Embedder, EmbeddingSettings, embedder_from_settings
from events import EventPublisher
from servers.built import BuiltServer
from servers.kb.server import build_server
from servers.kb.service import KnowledgeBase
from servers.kb.settings import KbSettings
from servers.kb.store import ArticleStore
from servers.settings import CoreSettings


def knowledge_base(
    data_dir: Path,
    embedder: Embedder,
    *,
    search_cache_size: int = 1024,
    refresh_seconds: float | None = None,
    legacy_tenant: str = "demo",
) -> KnowledgeBase:
    """The knowledge base over LanceDB in ``data_dir`` (not yet open).

    ``refresh_seconds``: how often to pick up other processes' writes (None: never).
    ``legacy_tenant``: whose articles a store from before tenancy holds."""
    store = ArticleStore.in_dir(data_dir, embedder.dim, refresh_seconds=refresh_seconds,
                                legacy_tenant=legacy_tenant)
    return KnowledgeBase(store, embedder, search_cache_size=search_cache_size)


def build(core: CoreSettings, publisher: EventPublisher) -> BuiltServer:
    embedder = embedder_from_settings(EmbeddingSettings())
    settings = KbSettings()
    kb = knowledge_base(core.data_dir, embedder, search_cache_size=settings.search_cache_size,
                        refresh_seconds=settings.refresh_seconds,
                        legacy_tenant=core.default_tenant)

    async def readiness() -> dict[str, bool | str]:
        return {"kb_store": await kb.ready()}

    server = build_server(kb, load_demo=core.load_demo_data, publisher=publisher,
                          default_tenant=core.default_tenant)
    return BuiltServer(server, readiness,
                       {"kb": kb.store.describe(), "embeddings": embedder.name})
