"""The knowledge-base server through a real MCP client, in memory, in both protocol eras."""

import json

import pytest
from fastmcp.exceptions import ToolError
from mcp_types import PromptReference, ResourceTemplateReference

from tests.support.eras import MODERN, client_for

TOOLS = {"search", "get_article", "list_categories", "upsert_article", "delete_article"}


async def test_the_client_negotiates_the_era_it_asked_for(kb_server, era):
    async with client_for(kb_server, era) as client:
        assert client.protocol_version == era


async def test_every_tool_is_typed_described_and_annotated(kb_server, era):
    async with client_for(kb_server, era) as client:
        tools = {tool.name: tool for tool in await client.list_tools()}
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert tool.description and len(tool.description) > 30
        assert tool.output_schema and tool.output_schema["type"] == "object"
        assert tool.annotations.read_only_hint is not None
        assert tool.annotations.open_world_hint is False
    assert tools["search"].annotations.read_only_hint is True
    assert tools["delete_article"].annotations.destructive_hint is True
    assert tools["upsert_article"].annotations.idempotent_hint is True
    limit = tools["search"].input_schema["properties"]["limit"]
    assert (limit["minimum"], limit["maximum"]) == (1, 50)


async def test_search_returns_citable_hits(kb_server, era):
    async with client_for(kb_server, era) as client:
        result = await client.call_tool("search", {"query": "I was charged twice", "limit": 3})
    hits = result.structured_content["hits"]
    assert 1 <= len(hits) <= 3
    for hit in hits:
        assert hit["uri"] == f"kb://articles/{hit['article_id']}"
        assert hit["title"] and hit["text"] and hit["score"] > 0


async def test_search_can_prefer_a_category_without_leaving_others_out(kb_server, era):
    query = {"query": "The app has been down for over an hour. What is going on?", "limit": 5}
    async with client_for(kb_server, era) as client:
        plain = (await client.call_tool("search", query)).structured_content["hits"]
        preferred = (await client.call_tool(
            "search", {**query, "prefer_category": "outages"})).structured_content["hits"]

    def outages(hits):
        return sum(hit["category"] == "outages" for hit in hits)

    assert outages(preferred) > outages(plain)
    assert plain[0]["category"] != "outages"  # what the whole help center ranks first ...
    assert plain[0]["article_id"] in [hit["article_id"] for hit in preferred]  # ... stays


async def test_a_search_hit_can_be_read_as_article_and_resource(kb_server, era):
    async with client_for(kb_server, era) as client:
        hit = (await client.call_tool("search", {"query": "reset password"})).structured_content[
            "hits"
        ][0]
        article = await client.call_tool("get_article", {"article_id": hit["article_id"]})
        contents = await client.read_resource(hit["uri"])
    assert article.structured_content["id"] == hit["article_id"]
    assert contents[0].text.startswith(f"# {article.structured_content['title']}")


async def test_search_can_bring_the_first_hits_whole_article(kb_server, era):
    query = {"query": "reset password", "limit": 3}
    async with client_for(kb_server, era) as client:
        plain = (await client.call_tool("search", query)).structured_content
        reading = (await client.call_tool("search", {**query, "read_first": True})
                   ).structured_content
        article = (await client.call_tool(
            "get_article", {"article_id": plain["hits"][0]["article_id"]})).structured_content
        nothing = (await client.call_tool(
            "search", {"query": "reset password", "category": "no-such-category",
                       "read_first": True})).structured_content
    assert plain["first_article"] is None
    assert reading["hits"] == plain["hits"]
    assert reading["first_article"] == article
    assert nothing["hits"] == [] and nothing["first_article"] is None


@pytest.mark.parametrize(
    ("tool", "arguments", "field"),
    [
        ("search", {"query": ""}, "query"),
        ("search", {"query": "x", "limit": 0}, "limit"),
        ("search", {"query": "x", "limit": "many"}, "limit"),
        ("search", {"query": "x", "category": "Not A Slug"}, "category"),
        ("search", {"query": "x", "prefer_category": "Not A Slug"}, "prefer_category"),
        ("get_article", {}, "article_id"),
        ("get_article", {"article_id": "../../etc/passwd"}, "article_id"),
        ("get_article", {"article_id": "no-such-article"}, "article_id"),
        ("upsert_article", {"article_id": "a", "title": "t", "body": "", "category": "x"}, "body"),
        ("delete_article", {"article_id": ""}, "article_id"),
    ],
)
async def test_bad_input_is_a_tool_error_naming_the_field(kb_server, era, tool, arguments, field):
    async with client_for(kb_server, era) as client:
        with pytest.raises(ToolError, match=field):
            await client.call_tool(tool, arguments)


async def test_upsert_then_delete_through_tools(kb_server, era):
    article = {
        "article_id": "quokka-guide",
        "title": "Quokka guide",
        "body": "# Quokka guide\n\n## Feeding\nQuokkas eat leaves.",
        "category": "feature-requests",
        "tags": ["quokka"],
    }
    async with client_for(kb_server, era) as client:
        created = await client.call_tool("upsert_article", article)
        again = await client.call_tool("upsert_article", article)
        found = await client.call_tool("search", {"query": "what do quokkas eat", "limit": 1})
        deleted = await client.call_tool("delete_article", {"article_id": "quokka-guide"})
        after = await client.call_tool("search", {"query": "quokka", "tags": ["quokka"]})
    assert created.structured_content["status"] == "created"
    assert again.structured_content == {**created.structured_content, "status": "unchanged",
                                        "embedded": 0}
    assert found.structured_content["hits"][0]["article_id"] == "quokka-guide"
    assert deleted.structured_content == {
        "article_id": "quokka-guide", "deleted": True, "chunks_removed": 1
    }
    assert after.structured_content["hits"] == []


async def test_categories_as_tool_and_resources(kb_server, era):
    async with client_for(kb_server, era) as client:
        listed = await client.call_tool("list_categories", {})
        resource = json.loads((await client.read_resource("kb://categories"))[0].text)
        billing = json.loads((await client.read_resource("kb://categories/billing"))[0].text)
        templates = {t.uri_template for t in await client.list_resource_templates()}
    assert listed.structured_content == resource
    assert billing["articles"] and all(a["uri"].startswith("kb://articles/") for a in billing["articles"])
    assert {"kb://articles/{article_id}", "kb://categories/{category}"} <= templates


async def test_category_arguments_complete(kb_server, era):
    async with client_for(kb_server, era) as client:
        prompt = await client.complete(PromptReference(type="ref/prompt", name="answer_from_kb"),
                                       {"name": "category", "value": "b"})
        template = await client.complete(
            ResourceTemplateReference(type="ref/resource", uri="kb://categories/{category}"),
            {"name": "category", "value": "data"},
        )
    assert prompt.values == ["billing", "bugs"]
    assert template.values == ["data-export"]


async def test_reading_a_missing_article_resource_is_a_clear_error(kb_server, era):
    async with client_for(kb_server, era) as client:
        with pytest.raises(Exception, match="no article with id 'nope'"):
            await client.read_resource("kb://articles/nope")


async def test_a_callers_mistake_is_answered_not_logged_as_a_server_error(kb_server, caplog):
    caplog.set_level("INFO")
    async with client_for(kb_server, MODERN) as client:
        with pytest.raises(ToolError, match="no article with id 'nope'"):
            await client.call_tool("get_article", {"article_id": "nope"})
        with pytest.raises(Exception, match="no article with id 'nope'"):
            await client.read_resource("kb://articles/nope")
    logged = [
        r for r in caplog.records if "nope" in r.getMessage() or "get_article" in r.getMessage()
    ]
    assert logged and max(r.levelno for r in logged) < 40  # below ERROR
