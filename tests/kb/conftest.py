from __future__ import annotations

import pytest

from embeddings.wordllama_embedder import WordLlamaEmbedder
from servers.kb.server import build_server
from servers.kb.wiring import knowledge_base


@pytest.fixture
async def kb(data_dir):
    """An open knowledge base over a private copy of the demo data."""
    opened = knowledge_base(data_dir, WordLlamaEmbedder())
    await opened.open()
    yield opened
    await opened.close()


@pytest.fixture
def kb_server(data_dir):
    return build_server(knowledge_base(data_dir, WordLlamaEmbedder()), load_demo=False)
