from __future__ import annotations

import pytest

from embeddings.wordllama_embedder import WordLlamaEmbedder
from memory.long_term import LongTermMemory, long_term_in
from memory.memory_rows_in_process import InProcessMemoryRows
from memory.session_local import InProcessSessionCache
from memory.session_redis import RedisSessionCache
from memory.session_resilient import ResilientSessionCache
from memory.settings import MemorySettings
from servers.memory import wiring
from tests.support.services import any_redis, unique_name


@pytest.fixture(scope="session")
def embedder() -> WordLlamaEmbedder:
    return WordLlamaEmbedder()


@pytest.fixture(scope="session")
def redis_url() -> str:
    with any_redis() as url:
        yield url


@pytest.fixture
def key_prefix() -> str:
    """Unique per test, so runs and tests never see each other's keys."""
    return unique_name("sdtest")


def make_session_cache(kind: str, redis_url: str | None, key_prefix: str, *, ttl=60.0,
                       max_turns=50):
    if kind == "in-process":
        return InProcessSessionCache(ttl_seconds=ttl, max_turns=max_turns)
    redis = RedisSessionCache(redis_url, ttl_seconds=ttl, max_turns=max_turns,
                              key_prefix=key_prefix)
    if kind == "redis":
        return redis
    return ResilientSessionCache(
        redis, InProcessSessionCache(ttl_seconds=ttl, max_turns=max_turns)
    )


@pytest.fixture(params=["lancedb", "in_process"])
async def long_term(request, tmp_path, embedder):
    """Long-term memory over each ``MemoryRows``: the tests using it are their contract."""
    if request.param == "lancedb":
        memory = long_term_in(tmp_path / "data", embedder)
    else:
        memory = LongTermMemory(InProcessMemoryRows(embedder.dim), embedder)
    await memory.open()
    yield memory
    await memory.close()


@pytest.fixture
def memory_service(tmp_path, embedder):
    return wiring.memory_service(MemorySettings(), tmp_path / "data", embedder)
