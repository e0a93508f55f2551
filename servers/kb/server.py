"""The knowledge-base MCP server: wiring only; the thinking happens in ``service``."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Annotated

from fastmcp import FastMCP
from mcp.types import ToolAnnotations
from mcp_types import Completion, PromptReference, ResourceTemplateReference
from pydantic import Field

from events import EventPublisher
from servers.auth import KB_READ, KB_WRITE
from servers.correlation import Correlation
from servers.input_guard import RefuseNulCharacters
from servers.errors import caller_errors, resource_errors
from servers.identity import current_caller
from servers.kb.ingest import load_demo_if_empty
from servers.kb.models import (
    Article,
    ArticleId,
    ArticleInput,
    Category,
    CategoryList,
    DeleteOutcome,
    PublicUrl,
    SearchResult,
    Tag,
    UpsertOutcome,
)
from servers.kb.service import KnowledgeBase, KnowledgeBaseError
from servers.kb.store import SearchFilters
from servers.tool_events import ToolEvents

INSTRUCTIONS = """\
Your help center's knowledge base. Use `search` to find passages that answer a customer's
question and cite them by their `uri` (kb://articles/{id}) — link the customer to the `url`,
the article's public page, when there is one; read a whole article with `get_article`.
Categories come from `list_categories`. Each tenant has its own help center.
"""

READ_ONLY = ToolAnnotations(readOnlyHint=True, idempotentHint=True, openWorldHint=False)


def build_server(
    kb: KnowledgeBase,
    *,
    load_demo: bool = True,
    publisher: EventPublisher | None = None,
    default_tenant: str = "demo",
) -> FastMCP:
    """A FastMCP server over ``kb``; the store opens in the lifespan, not here.

    Every call reads and writes the caller's tenant's help center; callers without an identity
    act in ``default_tenant``, which is also where the demo help center goes. Every tool call
    publishes a ``tool.called`` event to ``publisher`` (none when omitted).
    """

    def tenant() -> str:
        return current_caller(default_tenant).tenant

    @asynccontextmanager
    async def lifespan(_: FastMCP):
        await kb.open()
        try:
            if load_demo:
                await load_demo_if_empty(kb, default_tenant)
            yield {"kb": kb}
        finally:
            await kb.close()

    mcp = FastMCP(
        "supportdesk-kb",
        instructions=INSTRUCTIONS,
        lifespan=lifespan,
        mask_error_details=True, strict_input_validation=True,
    )
    mcp.add_middleware(Correlation("kb"))
    mcp.add_middleware(RefuseNulCharacters())
    if publisher is not None:
        mcp.add_middleware(ToolEvents(publisher, server="kb", default_tenant=default_tenant))

    @mcp.tool(annotations=READ_ONLY, tags={KB_READ})
    async def search(
        query: Annotated[
            str, Field(min_length=1, max_length=2000, description="What the customer asked.")
        ],
        category: Annotated[
            Category | None, Field(description="Only articles in this category.")
        ] = None,
        product: Annotated[
            str | None, Field(max_length=64, description="Only this product area.")
        ] = None,
        tags: Annotated[
            list[Tag] | None,
            Field(max_length=16, description="Only articles carrying any of these tags."),
        ] = None,
        limit: Annotated[int, Field(ge=1, le=50, description="Most articles to return.")] = 5,
    ) -> SearchResult:
        """Search the help center by meaning and keywords (hybrid, rank-fused).

        Returns the best passage of each matching article, most relevant first. Quote or
        paraphrase the passage and cite its `uri` so the customer can read the article.
        """
        filters = SearchFilters(category=category, product=product, tags=tuple(tags or ()))
        return await kb.search(tenant(), query, filters=filters, limit=limit)

    @mcp.tool(annotations=READ_ONLY, tags={KB_READ})
    @caller_errors(KnowledgeBaseError)
    async def get_article(article_id: ArticleId) -> Article:
        """Read one whole help-center article by id (the id in a search hit or its uri)."""
        return await kb.get(tenant(), article_id)

    @mcp.tool(annotations=READ_ONLY, tags={KB_READ})
    async def list_categories() -> CategoryList:
        """List the help-center categories with how many articles each holds."""
        return CategoryList(categories=await kb.categories(tenant()))

    @mcp.tool(
        annotations=ToolAnnotations(
            readOnlyHint=False, destructiveHint=False, idempotentHint=True, openWorldHint=False
        ),
        tags={KB_WRITE},
    )
    async def upsert_article(
        article_id: ArticleId,
        title: Annotated[str, Field(min_length=1, max_length=300, description="Title.")],
        body: Annotated[
            str, Field(min_length=1, max_length=200_000, description="Markdown body.")
        ],
        category: Category,
        product: Annotated[
            str, Field(min_length=1, max_length=64, description="Product area.")
        ] = "all",
        tags: Annotated[list[Tag], Field(max_length=32, description="Tags.")] = [],  # noqa: B006
        url: Annotated[
            PublicUrl | None, Field(description="The article's public page, if any.")
        ] = None,
        locale: Annotated[
            str | None, Field(max_length=16, description="Language, e.g. 'en' or 'es'.")
        ] = None,
    ) -> UpsertOutcome:
        """Create or replace an article. Idempotent: the same content again changes nothing,
        and only passages whose text changed are re-embedded."""
        article = ArticleInput(
            id=article_id, title=title, body=body, category=category, product=product,
            tags=tags, url=url, locale=locale,
        )
        outcome = await kb.upsert(tenant(), article)
        if outcome.embedded:
            await kb.store.refresh_indexes()
        return outcome

    @mcp.tool(
        annotations=ToolAnnotations(
            readOnlyHint=False, destructiveHint=True, idempotentHint=True, openWorldHint=False
        ),
        tags={KB_WRITE},
    )
    async def delete_article(article_id: ArticleId) -> DeleteOutcome:
        """Delete an article and all its passages from the search indexes. Cannot be undone."""
        return await kb.delete(tenant(), article_id)

    @mcp.resource("kb://articles/{article_id}", mime_type="text/markdown", tags={KB_READ})
    @resource_errors(KnowledgeBaseError)
    async def article_resource(article_id: str) -> str:
        """A help-center article as Markdown; the URI search hits cite."""
        article = await kb.get(tenant(), article_id)
        return f"# {article.title}\n\n{article.body.removeprefix(f'# {article.title}').strip()}"

    @mcp.resource("kb://categories", mime_type="application/json", tags={KB_READ})
    async def categories_resource() -> str:
        """Every category with its article count."""
        return CategoryList(categories=await kb.categories(tenant())).model_dump_json()

    @mcp.resource("kb://categories/{category}", mime_type="application/json", tags={KB_READ})
    async def category_resource(category: str) -> str:
        """The articles of one category (titles and uris)."""
        return (await kb.list_category(tenant(), category)).model_dump_json()

    @mcp.prompt
    def answer_from_kb(
        question: Annotated[str, Field(description="The customer's question.")],
        category: Annotated[str, Field(description="Category to search first.")] = "",
    ) -> str:
        """Answer a customer question from the help center, with citations."""
        scope = f" in the '{category}' category" if category else ""
        return (
            f"Search the knowledge base{scope} for: {question}\n"
            "Answer in a few short steps using only what the passages say, and cite each "
            "step with the passage's kb://articles/{id} uri."
        )

    @mcp.completion
    async def complete(ref, argument, context) -> Completion | None:
        wants_category = argument.name == "category" and (
            (isinstance(ref, PromptReference) and ref.name == "answer_from_kb")
            or (isinstance(ref, ResourceTemplateReference) and "categories" in ref.uri)
        )
        if not wants_category:
            return None
        names = [c.category for c in await kb.categories(tenant())]
        return Completion(values=[n for n in names if n.startswith(argument.value)])

    return mcp
