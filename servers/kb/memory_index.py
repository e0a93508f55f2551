"""An ``ArticleIndex`` in process memory: for tests whose subject is not storage, and for
trying the knowledge base without a disk. Exact cosine search and a small BM25 keyword leg,
rank-fused like the LanceDB store's; nothing survives the process."""

from __future__ import annotations

import math
import re
from collections import Counter
from datetime import UTC, datetime

import numpy as np

from servers.kb.article_index import ChunkRow, SearchFilters, reciprocal_rank_fusion
from servers.kb.models import Article, ArticleInput, article_uri

WORD = re.compile(r"\w+")
COLUMNS = ("chunk_id", "article_id", "title", "heading", "text", "category", "url")


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower())


class InMemoryArticleIndex:
    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._articles: dict[tuple[str, str], dict] = {}
        self._chunks: dict[tuple[str, str], dict] = {}  # (tenant, chunk_id) -> row
        self._version = 0

    def describe(self) -> str:
        return "in process memory"

    async def open(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def stored_dim(self) -> int:
        return self.dim

    async def chunks_version(self) -> int:
        return self._version

    async def articles_version(self) -> int:
        return self._version  # both tables change together here

    async def count_articles(self, tenant: str | None = None) -> int:
        return sum(1 for (owner, _) in self._articles if tenant in (None, owner))

    async def get(self, tenant: str, article_id: str) -> Article | None:
        row = self._articles.get((tenant, article_id))
        if row is None:
            return None
        return Article(**{k: v for k, v in row.items() if k not in ("tenant", "embedder")},
                       uri=article_uri(article_id))

    async def hashes_for(self, tenant: str, article_ids: list[str]) -> dict[str, tuple[str, str]]:
        return {
            article_id: (row["content_hash"], row["embedder"])
            for article_id in article_ids
            if (row := self._articles.get((tenant, article_id))) is not None
        }

    def _chunks_of(self, tenant: str, article_ids: list[str]) -> list[dict]:
        wanted = set(article_ids)
        return [row for (owner, _), row in self._chunks.items()
                if owner == tenant and row["article_id"] in wanted]

    async def chunk_counts_for(self, tenant: str, article_ids: list[str]) -> dict[str, int]:
        return dict(Counter(row["article_id"] for row in self._chunks_of(tenant, article_ids)))

    async def chunk_vectors_for(
        self, tenant: str, article_ids: list[str]
    ) -> dict[str, dict[str, np.ndarray]]:
        vectors: dict[str, dict[str, np.ndarray]] = {}
        for row in self._chunks_of(tenant, article_ids):
            vectors.setdefault(row["article_id"], {})[row["fingerprint"]] = row["vector"]
        return vectors

    async def categories(self, tenant: str) -> dict[str, int]:
        counts = Counter(row["category"] for (owner, _), row in self._articles.items()
                         if owner == tenant)
        return dict(sorted(counts.items()))

    async def titles_in(self, tenant: str, category: str) -> list[tuple[str, str]]:
        return sorted(((row["id"], row["title"]) for (owner, _), row in self._articles.items()
                       if owner == tenant and row["category"] == category), key=lambda r: r[1])

    async def write_many(
        self, tenant: str, items: list[tuple[ArticleInput, list[ChunkRow]]], embedder: str,
        *, all_new: bool = False,
    ) -> None:
        now = datetime.now(UTC)
        for article, chunks in items:
            await self._remove_chunks(tenant, article.id)
            self._articles[(tenant, article.id)] = {
                **article.model_dump(), "tenant": tenant, "content_hash": article.digest(),
                "embedder": embedder, "updated_at": now,
            }
            for chunk in chunks:
                self._chunks[(tenant, chunk.chunk_id)] = {
                    "chunk_id": chunk.chunk_id, "article_id": article.id,
                    "title": article.title, "heading": chunk.heading, "text": chunk.text,
                    "category": article.category, "product": article.product,
                    "tags": list(article.tags), "url": article.url,
                    "fingerprint": chunk.fingerprint,
                    "vector": np.asarray(chunk.vector, np.float32),
                }
        self._version += 1

    async def _remove_chunks(self, tenant: str, article_id: str) -> int:
        gone = [key for key, row in self._chunks.items()
                if key[0] == tenant and row["article_id"] == article_id]
        for key in gone:
            del self._chunks[key]
        return len(gone)

    async def delete(self, tenant: str, article_id: str) -> int:
        removed = await self._remove_chunks(tenant, article_id)
        self._articles.pop((tenant, article_id), None)
        self._version += 1
        return removed

    async def refresh_indexes(self) -> None:
        return None  # every search reads the rows as they are

    async def search(
        self, tenant: str, query: str, vector: np.ndarray, filters: SearchFilters, limit: int
    ) -> list[dict]:
        rows = [row for (owner, _), row in self._chunks.items()
                if owner == tenant and _passes(row, filters)]
        by_vector = sorted(rows, key=lambda row: -_cosine(row["vector"], vector))[:limit]
        by_text = _bm25(rows, _words(query))[:limit]
        fused = reciprocal_rank_fusion([by_vector, by_text], key="chunk_id", limit=limit)
        return [{**{c: row[c] for c in COLUMNS}, "_relevance_score": row["_relevance_score"]}
                for row in fused]


def _passes(row: dict, filters: SearchFilters) -> bool:
    return ((filters.category is None or row["category"] == filters.category)
            and (filters.product is None or row["product"] == filters.product)
            and (not filters.tags or bool(set(filters.tags) & set(row["tags"]))))


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    norm = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.dot(a, b)) / norm if norm else 0.0


def _bm25(rows: list[dict], terms: list[str], k1: float = 1.2, b: float = 0.75) -> list[dict]:
    """Rows containing any of ``terms``, best BM25 score first."""
    docs = [Counter(_words(row["text"])) for row in rows]
    if not docs or not terms:
        return []
    average = sum(sum(doc.values()) for doc in docs) / len(docs) or 1.0
    scored = []
    for row, doc in zip(rows, docs, strict=True):
        length, score = sum(doc.values()), 0.0
        for term in set(terms):
            if doc[term]:
                having = sum(1 for other in docs if other[term])
                idf = math.log(1 + (len(docs) - having + 0.5) / (having + 0.5))
                score += idf * doc[term] * (k1 + 1) / (
                    doc[term] + k1 * (1 - b + b * length / average))
        if score > 0:
            scored.append((score, row))
    return [row for _, row in sorted(scored, key=lambda pair: -pair[0])]
