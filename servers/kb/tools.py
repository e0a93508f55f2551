"""The knowledge base's tools, resources and prompt: each one hop from ``KnowledgeBase``.

Every call reads and writes the caller's tenant's help center; the service comes from the
server's lifespan (see ``servers.lifespan_context``).
"""

from __future__ import annotations

from typing import Annotated

from fastmcp.prompts import prompt
from fastmcp.resources import resource
from fastmcp.tools import tool
from mcp.types import ToolAnnotations
from mcp_types import Completion, PromptReference, ResourceTemplateReference
from pydantic import Field

from servers.auth import KB_READ, KB_WRITE
from servers.errors import caller_errors, resource_errors
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
from servers.lifespan_context import CURRENT_TENANT, lifespan_value, service, tenant

READ_ONLY = ToolAnnotations(readOnlyHint=True, idempotentHint=True, openWorldHint=False)
WRITES = ToolAnnotations(
    readOnlyHint=False, destructiveHint=False, idempotentHint=True, openWorldHint=False
)
DELETES = ToolAnnotations(
    readOnlyHint=False, destructiveHint=True, idempotentHint=True, openWorldHint=False
)
KB = service("kb")


@tool(annotations=READ_ONLY, tags={KB_READ})
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
    prefer_category: Annotated[
        Category | None,
        Field(description="Rank this category's articles higher, still returning others "
                          "(for a category you have guessed)."),
    ] = None,
    limit: Annotated[int, Field(ge=1, le=50, description="Most articles to return.")] = 5,
    read_first: Annotated[
        bool, Field(description="Also return the first hit's whole article (first_article), "
                                "to read it through without a get_article call.")
    ] = False,
    kb: KnowledgeBase = KB,
    tenant: str = CURRENT_TENANT,
) -> SearchResult:
    """Search the help center by meaning and keywords (hybrid, rank-fused).

    Returns the best passage of each matching article, most relevant first. Quote or
    paraphrase the passage and cite its `uri` so the customer can read the article.
    """
    filters = SearchFilters(category=category, product=product, tags=tuple(tags or ()))
    return await kb.search(tenant, query, filters=filters, prefer_category=prefer_category,
                           limit=limit, read_first=read_first)


@tool(annotations=READ_ONLY, tags={KB_READ})
@caller_errors(KnowledgeBaseError)
async def get_article(
    article_id: ArticleId, kb: KnowledgeBase = KB, tenant: str = CURRENT_TENANT
) -> Article:
    """Read one whole help-center article by id (the id in a search hit or its uri)."""
    return await kb.get(tenant, article_id)


@tool(annotations=READ_ONLY, tags={KB_READ})
async def list_categories(kb: KnowledgeBase = KB, tenant: str = CURRENT_TENANT) -> CategoryList:
    """List the help-center categories with how many articles each holds."""
    return CategoryList(categories=await kb.categories(tenant))


@tool(annotations=WRITES, tags={KB_WRITE})
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
    kb: KnowledgeBase = KB,
    tenant: str = CURRENT_TENANT,
) -> UpsertOutcome:
    """Create or replace an article. Idempotent: the same content again changes nothing,
    and only passages whose text changed are re-embedded."""
    article = ArticleInput(
        id=article_id, title=title, body=body, category=category, product=product,
        tags=tags, url=url, locale=locale,
    )
    outcome = await kb.upsert(tenant, article)
    # A shared store's indexes are the upkeep job's, run by one replica at a time.
    if outcome.embedded and not kb.store.location.shared:
        await kb.store.refresh_indexes()
    return outcome


@tool(annotations=DELETES, tags={KB_WRITE})
async def delete_article(
    article_id: ArticleId, kb: KnowledgeBase = KB, tenant: str = CURRENT_TENANT
) -> DeleteOutcome:
    """Delete an article and all its passages from the search indexes. Cannot be undone."""
    return await kb.delete(tenant, article_id)


@resource("kb://articles/{article_id}", mime_type="text/markdown", tags={KB_READ})
@resource_errors(KnowledgeBaseError)
async def article_resource(
    article_id: str, kb: KnowledgeBase = KB, tenant: str = CURRENT_TENANT
) -> str:
    """A help-center article as Markdown; the URI search hits cite."""
    article = await kb.get(tenant, article_id)
    return f"# {article.title}\n\n{article.body.removeprefix(f'# {article.title}').strip()}"


@resource("kb://categories", mime_type="application/json", tags={KB_READ})
async def categories_resource(kb: KnowledgeBase = KB, tenant: str = CURRENT_TENANT) -> str:
    """Every category with its article count."""
    return CategoryList(categories=await kb.categories(tenant)).model_dump_json()


@resource("kb://categories/{category}", mime_type="application/json", tags={KB_READ})
async def category_resource(
    category: str, kb: KnowledgeBase = KB, tenant: str = CURRENT_TENANT
) -> str:
    """The articles of one category (titles and uris)."""
    return (await kb.list_category(tenant, category)).model_dump_json()


@prompt
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


async def complete(ref, argument, context) -> Completion | None:
    """Category names for ``answer_from_kb`` and the ``kb://categories/{category}`` template."""
    wants_category = argument.name == "category" and (
        (isinstance(ref, PromptReference) and ref.name == "answer_from_kb")
        or (isinstance(ref, ResourceTemplateReference) and "categories" in ref.uri)
    )
    if not wants_category:
        return None
    kb: KnowledgeBase = lifespan_value("kb")
    names = [c.category for c in await kb.categories(tenant())]
    return Completion(values=[n for n in names if n.startswith(argument.value)])


TOOLS = (search, get_article, list_categories, upsert_article, delete_article)
RESOURCES = (article_resource, categories_resource, category_resource)
PROMPTS = (answer_from_kb,)
