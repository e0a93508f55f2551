import pytest

from embeddings import HashingEmbedder
from servers.kb.models import ArticleInput
from servers.kb.service import ArticleNotFound, KnowledgeBaseError
from servers.kb.wiring import knowledge_base
from servers.kb.article_index import SearchFilters

DOC = ArticleInput(
    id="zz-test",
    title="Quokka export guide",
    body="# Quokka export guide\n\nIntro about quokkas.\n\n## Steps\nPress the quokka button.\n\n"
    "## Limits\nAt most 7 quokkas per export.",
    category="data-export",
    tags=["quokka"],
)


async def test_upsert_is_idempotent_by_content(kb):
    first = await kb.upsert("demo", DOC)
    again = await kb.upsert("demo", DOC)
    assert (first.status, first.embedded, first.chunks) == ("created", 3, 3)
    assert (again.status, again.embedded, again.chunks) == ("unchanged", 0, 3)


async def test_changing_one_section_re_embeds_only_that_chunk(kb):
    await kb.upsert("demo", DOC)
    changed = DOC.model_copy(update={"body": DOC.body.replace("At most 7", "At most 9")})
    outcome = await kb.upsert("demo", changed)
    assert (outcome.status, outcome.embedded, outcome.chunks) == ("updated", 1, 3)
    assert "At most 9" in (await kb.get("demo", "zz-test")).body


async def test_removed_sections_leave_no_chunks_behind(kb):
    await kb.upsert("demo", DOC)
    shorter = DOC.model_copy(update={"body": "# Quokka export guide\n\nOnly an intro."})
    outcome = await kb.upsert("demo", shorter)
    assert outcome.chunks == 1
    assert await kb.store.count_chunks_of("demo", "zz-test") == 1


async def test_delete_removes_from_vector_and_text_indexes(kb):
    await kb.upsert("demo", DOC)
    await kb.store.refresh_indexes()
    vector = kb.embedder.embed(["Press the quokka button."])[0]
    assert "zz-test" in await kb.store.text_matches("quokka")
    assert "zz-test" in await kb.store.vector_matches(vector, limit=3)

    outcome = await kb.delete("demo", "zz-test")

    assert (outcome.deleted, outcome.chunks_removed) == (True, 3)
    assert "zz-test" not in await kb.store.text_matches("quokka")
    assert "zz-test" not in await kb.store.vector_matches(vector, limit=50)
    with pytest.raises(ArticleNotFound, match="article_id"):
        await kb.get("demo", "zz-test")
    assert (await kb.delete("demo", "zz-test")).deleted is False


async def test_search_finds_new_articles_before_any_index_refresh(kb):
    await kb.upsert("demo", DOC)
    result = await kb.search("demo", "how many quokkas can I export", limit=3)
    assert result.hits[0].article_id == "zz-test"
    assert result.hits[0].uri == "kb://articles/zz-test"


async def test_search_returns_one_passage_per_article(kb):
    result = await kb.search("demo", "refund for my annual plan", limit=10)
    ids = [hit.article_id for hit in result.hits]
    assert len(ids) == len(set(ids)) == 10
    assert all(a.score >= b.score for a, b in zip(result.hits, result.hits[1:]))


async def test_filters_narrow_by_category_product_and_tags(kb):
    await kb.upsert("demo", DOC)
    in_category = await kb.search("demo", "export", filters=SearchFilters(category="billing"), limit=10)
    assert in_category.hits and all(hit.category == "billing" for hit in in_category.hits)
    tagged = await kb.search("demo", "export", filters=SearchFilters(tags=("quokka",)), limit=10)
    assert [hit.article_id for hit in tagged.hits] == ["zz-test"]
    quoted = await kb.search("demo", "x", filters=SearchFilters(product="it's"), limit=5)
    assert quoted.hits == []


async def test_a_wrong_preferred_category_still_finds_the_answer(kb):
    await kb.upsert("demo", DOC)
    query = "how many quokkas can I export"
    wrong = await kb.search("demo", query, prefer_category="billing", limit=5)
    assert wrong.hits[0].article_id == "zz-test"
    assert any(hit.category == "billing" for hit in wrong.hits)
    plain = await kb.search("demo", query, limit=5)
    assert wrong != plain  # the preference was searched, not dropped


async def test_a_category_filter_outranks_a_preference(kb):
    filtered = SearchFilters(category="account")
    both = await kb.search("demo", "invoice", filters=filtered, prefer_category="billing")
    assert both == await kb.search("demo", "invoice", filters=filtered)
    assert all(hit.category == "account" for hit in both.hits)


async def test_a_store_built_with_another_embedder_is_refused(data_dir):
    other = knowledge_base(data_dir, HashingEmbedder(dim=64))
    with pytest.raises(KnowledgeBaseError, match="256-dim"):
        await other.open()
    await other.close()


async def test_categories_count_the_demo_articles(kb):
    categories = {c.category: c.articles for c in await kb.categories("demo")}
    assert set(categories) >= {
        "billing", "account", "bugs", "integrations", "outages",
        "security", "plans", "data-export", "feature-requests",
    }
    assert sum(categories.values()) >= 60
