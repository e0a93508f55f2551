"""Each tenant has its own help center: another tenant's article ids do not exist for you, in
any tool or resource — through a real MCP client, both eras."""

import pytest
from fastmcp.exceptions import ResourceError, ToolError

from embeddings.wordllama_embedder import WordLlamaEmbedder
from servers.identity import Caller
from servers.kb.server import build_server
from servers.kb.wiring import knowledge_base
from tests.support.eras import client_for

ACME, GLOBEX = Caller("acme", "ann@acme").as_meta(), Caller("globex", "gus@globex").as_meta()
SECRET = {
    "article_id": "wombat-pricing",
    "title": "Wombat pricing for partners",
    "body": "# Wombat pricing for partners\n\nPartners pay 11 wombats per seat, billed yearly.",
    "category": "partner-deals",
    "url": "https://help.acme.example/articles/wombat-pricing",
}


@pytest.fixture
def server(data_dir):
    return build_server(knowledge_base(data_dir, WordLlamaEmbedder()), load_demo=False,
                        default_tenant="demo")


async def test_another_tenants_article_does_not_exist_in_any_tool(server, era):
    async with client_for(server, era) as client:
        created = await client.call_tool("upsert_article", SECRET, meta=ACME)
        found = await client.call_tool("search", {"query": "wombat pricing partners"}, meta=ACME)
        theirs = await client.call_tool("search", {"query": "wombat pricing partners"},
                                        meta=GLOBEX)
        with pytest.raises(ToolError, match="article_id: no article with id 'wombat-pricing'"):
            await client.call_tool("get_article", {"article_id": "wombat-pricing"}, meta=GLOBEX)
        categories = await client.call_tool("list_categories", {}, meta=GLOBEX)
        deleted = await client.call_tool("delete_article", {"article_id": "wombat-pricing"},
                                         meta=GLOBEX)
        still = await client.call_tool("get_article", {"article_id": "wombat-pricing"},
                                       meta=ACME)
        demo = await client.call_tool("search", {"query": "reset my password"})
        acme_demo = await client.call_tool("search", {"query": "reset my password"}, meta=ACME)
    assert created.structured_content["status"] == "created"
    [hit] = [h for h in found.structured_content["hits"] if h["article_id"] == "wombat-pricing"]
    assert hit["url"] == SECRET["url"] and hit["uri"] == "kb://articles/wombat-pricing"
    assert theirs.structured_content["hits"] == []
    assert categories.structured_content == {"categories": []}
    assert deleted.structured_content["deleted"] is False
    assert still.structured_content["url"] == SECRET["url"]
    # The demo help center is the default tenant's, not everyone's.
    assert demo.structured_content["hits"]
    assert all(h["article_id"] == "wombat-pricing" for h in acme_demo.structured_content["hits"])


async def test_another_tenants_article_does_not_exist_in_any_resource(server, era):
    async with client_for(server, era) as client:
        await client.call_tool("upsert_article", SECRET, meta=ACME)
        mine = await client.read_resource("kb://articles/wombat-pricing", meta=ACME)
        with pytest.raises((ResourceError, Exception), match="no article"):
            await client.read_resource("kb://articles/wombat-pricing", meta=GLOBEX)
        acme_list = await client.read_resource("kb://categories/partner-deals", meta=ACME)
        globex_list = await client.read_resource("kb://categories/partner-deals", meta=GLOBEX)
        globex_all = await client.read_resource("kb://categories", meta=GLOBEX)
    assert "11 wombats" in mine[0].text
    assert "wombat-pricing" in acme_list[0].text
    assert "wombat-pricing" not in globex_list[0].text
    assert "partner-deals" not in globex_all[0].text


async def test_two_tenants_may_use_the_same_article_id(server, era):
    theirs = {**SECRET, "body": "# Wombat pricing\n\nGlobex partners pay 3 wombats.",
              "url": None}
    async with client_for(server, era) as client:
        await client.call_tool("upsert_article", SECRET, meta=ACME)
        await client.call_tool("upsert_article", {k: v for k, v in theirs.items() if v},
                               meta=GLOBEX)
        acme = await client.call_tool("get_article", {"article_id": "wombat-pricing"}, meta=ACME)
        globex = await client.call_tool("get_article", {"article_id": "wombat-pricing"},
                                        meta=GLOBEX)
        await client.call_tool("delete_article", {"article_id": "wombat-pricing"}, meta=GLOBEX)
        after = await client.call_tool("get_article", {"article_id": "wombat-pricing"},
                                       meta=ACME)
    assert "11 wombats" in acme.structured_content["body"]
    assert "3 wombats" in globex.structured_content["body"]
    assert after.structured_content["body"] == acme.structured_content["body"]


async def test_a_store_from_before_tenancy_keeps_its_articles_in_the_default_tenant(tmp_path):
    """An existing help center (written before articles had tenants) is upgraded in place."""
    from datetime import UTC, datetime

    import lancedb
    import numpy as np
    import pyarrow as pa

    from servers.kb.store import _articles_schema, _chunks_schema

    embedder = WordLlamaEmbedder()
    new_columns = {"tenant", "url", "source", "locale"}
    old_articles = pa.schema([f for f in _articles_schema() if f.name not in new_columns])
    old_chunks = pa.schema([f for f in _chunks_schema(embedder.dim) if f.name not in new_columns])
    text = "Wombats can be exported as CSV from the reports page."
    db = await lancedb.connect_async(tmp_path / "kb.lance")
    await db.create_table("articles", pa.Table.from_pylist([{
        "id": "old-one", "title": "Old one", "body": text, "category": "general",
        "product": "all", "tags": [], "content_hash": "x", "embedder": embedder.name,
        "updated_at": datetime.now(UTC)}], schema=old_articles))
    await db.create_table("chunks", pa.Table.from_pylist([{
        "chunk_id": "old-one#0", "article_id": "old-one", "chunk_index": 0, "title": "Old one",
        "heading": "", "text": text, "category": "general", "product": "all", "tags": [],
        "fingerprint": "f", "vector": np.asarray(embedder.embed([text])[0], np.float32)}],
        schema=old_chunks))
    kb = knowledge_base(tmp_path, embedder, legacy_tenant="demo")
    await kb.open()
    try:
        await kb.store.refresh_indexes()
        article = await kb.get("demo", "old-one")
        hits = (await kb.search("demo", "export wombats csv")).hits
        elsewhere = (await kb.search("acme", "export wombats csv")).hits
    finally:
        await kb.close()
    assert article.body == text and article.url is None
    assert [h.article_id for h in hits] == ["old-one"] and elsewhere == []
