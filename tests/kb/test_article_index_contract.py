"""One contract for every ``ArticleIndex``: the LanceDB store (also searched from memory by the
serving index) and the in-memory index behave
the same to the knowledge base — writes replace, unchanged passages are reused, deletes leave
nothing, tenants are apart, search finds by meaning and by keyword, filters hold."""

from __future__ import annotations

import pytest

from embeddings import HashingEmbedder
from servers.kb.article_index import SearchFilters
from servers.kb.memory_index import InMemoryArticleIndex
from servers.kb.models import ArticleInput
from servers.kb.service import KnowledgeBase
from servers.kb.serving_index import ServingIndex
from servers.kb.store import ArticleStore

EMBEDDER = HashingEmbedder(dim=64)


def article(article_id: str, title: str, body: str, category: str = "billing",
            tags: tuple[str, ...] = ()) -> ArticleInput:
    return ArticleInput(id=article_id, title=title, body=f"# {title}\n\n{body}",
                        category=category, tags=list(tags))


REFUND = article("refunds", "Refunds for double charges",
                 "## When\nA double charge is refunded within five days.\n\n"
                 "## How\nWrite to billing with the invoice number.", tags=("money",))
EXPORT = article("export", "Exporting projects to CSV",
                 "Open settings, choose export, and pick CSV for every project.",
                 category="data-export")
INVITE = article("invite", "Inviting a teammate",
                 "Send an invitation from the members page; it expires after a week.",
                 category="account")


def index_for(kind: str, request, tmp_path):
    if kind == "lancedb":
        return ArticleStore.in_dir(tmp_path, EMBEDDER.dim)
    if kind == "serving":  # LanceDB, searched from memory
        return ServingIndex(ArticleStore.in_dir(tmp_path, EMBEDDER.dim), max_passages=1000)
    if kind == "lancedb-s3":  # object storage; one process, so its own locks are enough
        s3 = request.getfixturevalue("s3")
        return ArticleStore(s3.location(f"s3://{s3.new_bucket()}/kb"), EMBEDDER.dim)
    return InMemoryArticleIndex(EMBEDDER.dim)


@pytest.fixture(params=["lancedb", pytest.param("lancedb-s3", marks=pytest.mark.integration),
                        "memory", "serving"])
async def kb(request, tmp_path):
    index = index_for(request.param, request, tmp_path)
    knowledge_base = KnowledgeBase(index, EMBEDDER, search_cache_size=0)
    await knowledge_base.open()
    for item in (REFUND, EXPORT, INVITE):
        await knowledge_base.upsert("acme", item)
    await index.refresh_indexes()
    yield knowledge_base
    await knowledge_base.close()


async def test_an_article_reads_back_as_written(kb):
    stored = await kb.get("acme", "refunds")
    assert (stored.title, stored.category, stored.tags) == (REFUND.title, "billing", ["money"])
    assert stored.uri == "kb://articles/refunds" and stored.content_hash == REFUND.digest()
    assert await kb.store.count_articles("acme") == 3


async def test_a_changed_passage_alone_is_embedded_again_and_old_ones_go(kb):
    changed = REFUND.model_copy(update={"body": REFUND.body.replace("five", "seven")})
    outcome = await kb.upsert("acme", changed)
    shorter = await kb.upsert("acme", INVITE.model_copy(update={"body": "# Inviting\n\nSoon."}))
    assert (outcome.status, outcome.embedded) == ("updated", 1)
    assert (await kb.store.chunk_counts_for("acme", ["invite"])) == {"invite": shorter.chunks}
    assert "seven" in (await kb.get("acme", "refunds")).body


async def test_writes_move_the_versions_that_caches_are_keyed_by(kb):
    chunks, articles = await kb.store.chunks_version(), await kb.store.articles_version()
    await kb.delete("acme", "export")
    assert await kb.store.chunks_version() != chunks
    assert await kb.store.articles_version() != articles
    articles = await kb.store.articles_version()
    await kb.upsert("acme", REFUND.model_copy(update={"body": REFUND.body + "\n\nMore."}))
    assert await kb.store.articles_version() != articles


async def test_a_deleted_article_leaves_no_passage_behind(kb):
    outcome = await kb.delete("acme", "export")
    hits = (await kb.search("acme", "export projects CSV", limit=5)).hits
    assert outcome.deleted and outcome.chunks_removed >= 1
    assert "export" not in [hit.article_id for hit in hits]
    assert await kb.store.chunk_counts_for("acme", ["export"]) == {}


async def test_another_tenant_sees_none_of_it(kb):
    assert await kb.store.get("rival", "refunds") is None
    assert await kb.store.categories("rival") == {}
    assert (await kb.search("rival", "refund double charge", limit=5)).hits == []


async def test_search_finds_by_keyword_and_by_the_same_words(kb):
    keyword = (await kb.search("acme", "invitation expires", limit=3)).hits
    same_text = (await kb.search("acme", "Open settings, choose export", limit=3)).hits
    assert keyword[0].article_id == "invite"
    assert same_text[0].article_id == "export"
    assert keyword[0].score > 0 and keyword[0].uri == "kb://articles/invite"


async def test_filters_narrow_the_search(kb):
    by_category = await kb.search("acme", "refund export invite", limit=5,
                                  filters=SearchFilters(category="account"))
    by_tag = await kb.search("acme", "refund export invite", limit=5,
                             filters=SearchFilters(tags=("money",)))
    assert [hit.article_id for hit in by_category.hits] == ["invite"]
    assert [hit.article_id for hit in by_tag.hits] == ["refunds"]


async def test_categories_and_titles_list_what_is_there(kb):
    assert await kb.store.categories("acme") == {"account": 1, "billing": 1, "data-export": 1}
    assert await kb.store.titles_in("acme", "billing") == [("refunds", REFUND.title)]
    assert set(await kb.store.hashes_for("acme", ["refunds", "nope"])) == {"refunds"}
