"""The knowledge base's data: articles in, search hits and summaries out."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

CATEGORY_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
ARTICLE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"

ArticleId = Annotated[
    str,
    StringConstraints(pattern=ARTICLE_ID_PATTERN),
    Field(description="Article id: letters, digits, '.', '_' or '-', at most 128 characters."),
]
Category = Annotated[
    str,
    StringConstraints(pattern=CATEGORY_PATTERN),
    Field(description="Category slug, e.g. 'billing' or 'data-export'."),
]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=64, strip_whitespace=True)]
PublicUrl = Annotated[
    str,
    StringConstraints(max_length=2000, pattern=r"^https?://[^\s]+$"),
    Field(description="An http(s) URL."),
]


def article_uri(article_id: str) -> str:
    return f"kb://articles/{article_id}"


class ArticleInput(BaseModel):
    """An article as written: what ``upsert`` takes and ingestion produces."""

    id: ArticleId
    title: str = Field(min_length=1, max_length=300, description="Article title.")
    body: str = Field(
        min_length=1, max_length=200_000, description="Article text, Markdown or plain."
    )
    category: Category
    product: str = Field(
        default="all", min_length=1, max_length=64, description="Product area, e.g. 'web'."
    )
    tags: list[Tag] = Field(default_factory=list, max_length=32, description="Free-form tags.")
    url: PublicUrl | None = Field(
        default=None, description="The article's public page, e.g. in the help center."
    )
    source: str | None = Field(
        default=None, max_length=2000, description="Where it was ingested from (file or URL)."
    )
    locale: str | None = Field(
        default=None, max_length=16, description="Language of the article, e.g. 'en' or 'es'."
    )

    def digest(self) -> str:
        """Changes whenever anything a reader or the index sees changes."""
        digest = hashlib.sha256()
        parts = (self.title, self.category, self.product, ",".join(self.tags), self.body,
                 self.url or "", self.source or "", self.locale or "")
        for part in parts:
            digest.update(part.encode())
            digest.update(b"\x00")
        return digest.hexdigest()


class Article(ArticleInput):
    """A stored article."""

    uri: str = Field(description="Resource URI to cite: kb://articles/{id}.")
    content_hash: str = Field(description="SHA-256 of the article's content.")
    updated_at: datetime = Field(description="When the article's content last changed (UTC).")


class SearchHit(BaseModel):
    """One matching passage, best chunk per article."""

    article_id: str = Field(description="Id of the article the passage comes from.")
    title: str = Field(description="Article title.")
    heading: str = Field(description="Section heading the passage sits under ('' if none).")
    text: str = Field(description="The matching passage.")
    category: str = Field(description="Article category.")
    score: float = Field(description="Fused relevance score; higher is better.")
    uri: str = Field(description="Cite this: kb://articles/{id}.")
    url: str | None = Field(
        default=None, description="The article's public page, to link the customer to."
    )


class SearchResult(BaseModel):
    query: str = Field(description="The query as searched.")
    hits: list[SearchHit] = Field(description="Best passage per article, most relevant first.")
    first_article: Article | None = Field(
        default=None,
        description="The first hit's whole article, when asked for with read_first (none "
                    "when nothing matched).",
    )


class CategoryCount(BaseModel):
    category: str = Field(description="Category slug.")
    articles: int = Field(description="Number of articles in it.")


class CategoryList(BaseModel):
    categories: list[CategoryCount] = Field(description="Every category with its article count.")


class UpsertOutcome(BaseModel):
    article_id: str = Field(description="The article written.")
    status: str = Field(description="'created', 'updated' or 'unchanged'.")
    chunks: int = Field(description="Chunks the article now has.")
    embedded: int = Field(description="Chunks embedded by this call (0 when nothing changed).")
    uri: str = Field(description="kb://articles/{id}.")


class DeleteOutcome(BaseModel):
    article_id: str = Field(description="The article asked for.")
    deleted: bool = Field(description="False when there was no such article.")
    chunks_removed: int = Field(description="Chunks removed from the vector and text indexes.")


class ArticleSummary(BaseModel):
    id: str = Field(description="Article id.")
    title: str = Field(description="Article title.")
    uri: str = Field(description="kb://articles/{id}.")


class CategoryArticles(BaseModel):
    category: str = Field(description="Category slug.")
    articles: list[ArticleSummary] = Field(description="Articles in the category, by title.")
