"""Search results are reused until the articles change, here or in another process."""

import subprocess

from embeddings.wordllama_embedder import WordLlamaEmbedder
from servers.kb.models import ArticleInput
from servers.kb.search_cache import SearchCache
from servers.kb.wiring import knowledge_base
from tests.support.eras import client_for
from tests.support.processes import SUPPORTDESK, http_server, server_env

QUOKKA = ArticleInput(
    id="zz-quokka",
    title="Quokka mode",
    body="# Quokka mode\n\nQuokka mode turns every chart into a quokka.",
    category="bugs-and-errors",
)


def test_the_least_recently_used_entry_goes_first():
    cache: SearchCache[str] = SearchCache(size=2)
    cache.put(1, "a", "A")
    cache.put(1, "b", "B")
    assert cache.get(1, "a") == "A"  # now "b" is the least recently used
    cache.put(1, "c", "C")
    assert (cache.get(1, "a"), cache.get(1, "b"), cache.get(1, "c")) == ("A", None, "C")


def test_a_new_version_forgets_everything_and_older_results_are_not_kept():
    cache: SearchCache[str] = SearchCache(size=8)
    cache.put(1, "a", "A")
    assert cache.get(2, "a") is None and len(cache) == 0
    cache.put(1, "a", "read before the write")  # a search that started before version 2
    assert cache.get(2, "a") is None
    cache.put(2, "a", "A2")
    assert cache.get(1, "a") is None and cache.get(2, "a") == "A2"  # a late reader misses


def test_size_zero_keeps_nothing():
    cache: SearchCache[str] = SearchCache(size=0)
    cache.put(1, "a", "A")
    assert cache.get(1, "a") is None


async def test_a_repeated_search_is_answered_from_the_cache(kb):
    first = await kb.search("demo", "how do I get a refund")
    hits_before = kb.search_cache.hits
    again = await kb.search("demo", "how do I get a refund")
    assert again == first and kb.search_cache.hits == hits_before + 1
    other = await kb.search("demo", "how do I get a refund", limit=2)  # another key
    assert len(other.hits) == 2 and kb.search_cache.hits == hits_before + 1


async def test_writes_are_seen_by_the_next_search(kb):
    assert "zz-quokka" not in _ids(await kb.search("demo", "quokka mode charts"))
    await kb.upsert("demo", QUOKKA)
    assert "zz-quokka" in _ids(await kb.search("demo", "quokka mode charts"))
    await kb.delete("demo", "zz-quokka")
    assert "zz-quokka" not in _ids(await kb.search("demo", "quokka mode charts"))


async def test_an_article_read_again_comes_from_memory_until_it_is_written(kb):
    await kb.upsert("demo", QUOKKA)
    first = await kb.get("demo", "zz-quokka")
    hits_before = kb.article_cache.hits
    assert await kb.get("demo", "zz-quokka") == first
    assert kb.article_cache.hits == hits_before + 1
    await kb.upsert("demo", QUOKKA.model_copy(update={"body": "# Quokka mode\n\nNow a wombat."}))
    assert "wombat" in (await kb.get("demo", "zz-quokka")).body


async def test_category_counts_are_counted_again_after_a_write(kb):
    def count(listed):
        return {c.category: c.articles for c in listed}.get("bugs-and-errors", 0)

    before = count(await kb.categories("demo"))
    assert count(await kb.categories("demo")) == before  # kept
    await kb.upsert("demo", QUOKKA)
    assert count(await kb.categories("demo")) == before + 1


async def test_another_process_writes_are_seen_within_the_refresh_interval(data_dir):
    reader = knowledge_base(data_dir, WordLlamaEmbedder(), refresh_seconds=0)
    writer = knowledge_base(data_dir, WordLlamaEmbedder())
    await reader.open()
    await writer.open()
    try:
        assert "zz-quokka" not in _ids(await reader.search("demo", "quokka mode charts"))
        await writer.upsert("demo", QUOKKA)
        assert "zz-quokka" in _ids(await reader.search("demo", "quokka mode charts"))
        assert "quokka" in (await reader.get("demo", "zz-quokka")).body
        changed = QUOKKA.model_copy(update={"body": "# Quokka mode\n\nNow a wombat."})
        await writer.upsert("demo", changed)
        assert "wombat" in (await reader.get("demo", "zz-quokka")).body
    finally:
        await writer.close()
        await reader.close()


async def test_articles_ingested_while_serving_are_found_over_http(data_dir, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "quokka.md").write_text(
        "---\ncategory: bugs-and-errors\n---\n# Quokka mode\n\nEvery chart becomes a quokka.\n"
    )
    env = {"SUPPORTDESK_KB_REFRESH_SECONDS": "0"}
    with http_server("kb", data_dir=data_dir, env=env) as server:
        async with client_for(server.mcp_url, "2026-07-28") as client:
            before = await client.call_tool("search", {"query": "quokka mode chart"})
            ingest = subprocess.run(
                [SUPPORTDESK, "ingest", str(docs)], env=server_env(data_dir),
                capture_output=True, text=True, timeout=120,
            )
            assert ingest.returncode == 0, ingest.stderr
            after = await client.call_tool("search", {"query": "quokka mode chart"})
    assert "quokka" not in _ids_of(before.structured_content)
    assert "quokka" in _ids_of(after.structured_content)


def _ids(result) -> list[str]:
    return [hit.article_id for hit in result.hits]


def _ids_of(content: dict) -> list[str]:
    return [hit["article_id"] for hit in content["hits"]]
