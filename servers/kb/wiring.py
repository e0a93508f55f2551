"""The knowledge-base server built from settings."""

from __future__ import annotations

from embeddings import EmbeddingSettings, embedder_from_settings
from events import EventPublisher
from servers.built import BuiltServer
from servers.kb.server import build_server
from servers.kb.service import KnowledgeBase
from servers.kb.settings import KbSettings
from servers.settings import CoreSettings


def build(core: CoreSettings, publisher: EventPublisher) -> BuiltServer:
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

    server = build_server(kb, load_demo=core.load_demo_data, publisher=publisher,
                          default_tenant=core.default_tenant)
    return BuiltServer(server, readiness,
                       {"kb": f"lancedb at {kb.store.path}", "embeddings": embedder.name})
