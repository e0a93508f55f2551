from __future__ import annotations

import pytest

from embeddings.wordllama_embedder import WordLlamaEmbedder
from servers.kb.server import build_server
from servers.kb.service import KnowledgeBase


@pytest.fixture
async def kb(data_dir):
    """An open knowledge base over a private copy of the demo data."""
    knowledge_base = KnowledgeBase(data_dir, WordLlamaEmbedder())
    await knowledge_base.open()
    yield knowledge_base
    await knowledge_base.close()


@pytest.fixture
def kb_server(data_dir):
    return build_server(KnowledgeBase(data_dir, WordLlamaEmbedder()), load_demo=False)
