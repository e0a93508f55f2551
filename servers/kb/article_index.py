"""What the knowledge base keeps its articles and passages in: the ``ArticleIndex`` interface
and the plain types it speaks. LanceDB on disk or object storage (``servers.kb.store``) is the
store of record; ``servers.kb.memory_index`` is an in-process one for tests not about storage.
Both pass the same contract suite (tests/kb/test_article_index_contract.py).

Every read and write names its tenant: another tenant's article ids do not exist for you.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from servers.kb.models import Article, ArticleInput

RRF_K = 60


@dataclass(frozen=True, slots=True)
class ChunkRow:
    chunk_id: str
    chunk_index: int
    heading: str
    text: str
    fingerprint: str
    vector: np.ndarray


@dataclass(frozen=True, slots=True)
class SearchFilters:
    category: str | None = None
    product: str | None = None
    tags: tuple[str, ...] = ()


class ArticleIndex(Protocol):
    def describe(self) -> str:
        """Where it keeps its data, for the start-up line."""
        ...

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def stored_dim(self) -> int:
        """The length of the vectors it holds."""
        ...

    async def prepare(self, tenant: str) -> None:
        """Build now what searching ``tenant`` would build on first use."""
        ...

    async def chunks_version(self) -> int:
        """Moves on with every write (any process's): what search caches are keyed by."""
        ...

    async def articles_version(self) -> int:
        """Moves on with every write of an article (any process's): what read articles are
        kept by. (The chunk version moves first: between the two commits it would key the
        article as it was.)"""
        ...

    async def count_articles(self, tenant: str | None = None) -> int: ...

    async def get(self, tenant: str, article_id: str) -> Article | None: ...

    async def hashes_for(self, tenant: str, article_ids: list[str]) -> dict[str, tuple[str, str]]:
        """article id -> (content hash, embedder name) for those of ``article_ids`` stored."""
        ...

    async def chunk_counts_for(self, tenant: str, article_ids: list[str]) -> dict[str, int]: ...

    async def chunk_vectors_for(
        self, tenant: str, article_ids: list[str]
    ) -> dict[str, dict[str, np.ndarray]]:
        """article id -> fingerprint -> vector of current chunks, so unchanged ones are reused."""
        ...

    async def categories(self, tenant: str) -> dict[str, int]:
        """category -> article count, by category name."""
        ...

    async def titles_in(self, tenant: str, category: str) -> list[tuple[str, str]]:
        """(id, title) of the category's articles, by title."""
        ...

    async def write_many(
        self, tenant: str, items: list[tuple[ArticleInput, list[ChunkRow]]], embedder: str,
        *, all_new: bool = False,
    ) -> None:
        """Replace the articles and all their chunks (``all_new``: none is stored yet)."""
        ...

    async def delete(self, tenant: str, article_id: str) -> int:
        """Remove the article and every chunk of it; returns the chunks removed."""
        ...

    async def refresh_indexes(self) -> None:
        """Fold new rows into the search indexes."""
        ...

    async def search(
        self, tenant: str, query: str, vector: np.ndarray, filters: SearchFilters, limit: int
    ) -> list[dict]:
        """Chunks by meaning and keywords, rank-fused, best first: each a dict with chunk_id,
        article_id, title, heading, text, category, url and ``_relevance_score``."""
        ...


def reciprocal_rank_fusion(
    rankings: list[list[dict]], *, key: str, k: int = RRF_K, limit: int | None = None
) -> list[dict]:
    """Merge ranked lists: each row scores sum(1 / (k + rank)) over the lists it appears in;
    the best ``limit`` (None: all)."""
    rows: dict[str, dict] = {}
    for ranking in rankings:
        for row in ranking:
            rows.setdefault(row[key], row)
    fused = rank_fusion([[row[key] for row in ranking] for ranking in rankings], k=k, limit=limit)
    return [{**rows[item], "_relevance_score": score} for item, score in fused]


def rank_fusion(rankings: list[list[Hashable]], *, k: int = RRF_K,
                limit: int | None = None) -> list[tuple[Hashable, float]]:
    """``reciprocal_rank_fusion`` of ranked keys: the best ``limit`` (key, score), ties in
    order of first appearance."""
    scores: dict[Hashable, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda pair: pair[1], reverse=True)[:limit]
