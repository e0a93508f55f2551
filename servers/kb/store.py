"""Articles and their passages in LanceDB: one table of articles, one of embedded chunks.

The chunk table carries a vector index (when large enough to need one) and LanceDB's native
full-text index; hybrid queries fuse the two with reciprocal-rank fusion.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import lancedb
import numpy as np
import pyarrow as pa
from lancedb.index import FTS, IvfPq
from lancedb.rerankers import RRFReranker

from servers.kb.models import Article, ArticleInput, article_uri

ARTICLES = "articles"
CHUNKS = "chunks"
# Below this many chunks a flat vector scan is faster than any index.
VECTOR_INDEX_MIN_ROWS = 20_000


def _quote(value: str) -> str:
    """A SQL string literal for a LanceDB filter."""
    return "'" + value.replace("'", "''") + "'"


def _articles_schema() -> pa.Schema:
    return pa.schema(
        [
            ("id", pa.string()),
            ("title", pa.string()),
            ("body", pa.string()),
            ("category", pa.string()),
            ("product", pa.string()),
            ("tags", pa.list_(pa.string())),
            ("content_hash", pa.string()),
            ("embedder", pa.string()),
            ("updated_at", pa.timestamp("us", tz="UTC")),
        ]
    )


def _chunks_schema(dim: int) -> pa.Schema:
    return pa.schema(
        [
            ("chunk_id", pa.string()),
            ("article_id", pa.string()),
            ("chunk_index", pa.int32()),
            ("title", pa.string()),
            ("heading", pa.string()),
            ("text", pa.string()),
            ("category", pa.string()),
            ("product", pa.string()),
            ("tags", pa.list_(pa.string())),
            ("fingerprint", pa.string()),
            ("vector", pa.list_(pa.float32(), dim)),
        ]
    )


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

    def sql(self) -> str | None:
        clauses = []
        if self.category:
            clauses.append(f"category = {_quote(self.category)}")
        if self.product:
            clauses.append(f"product = {_quote(self.product)}")
        if self.tags:
            clauses.append(f"array_has_any(tags, [{', '.join(map(_quote, self.tags))}])")
        return " AND ".join(clauses) or None


class ArticleStore:
    """Async LanceDB access for the knowledge base. Open once, share, close at shutdown."""

    def __init__(self, path: Path, dim: int) -> None:
        self.path = path
        self.dim = dim
        self._db: lancedb.AsyncConnection | None = None
        self._articles: lancedb.AsyncTable | None = None
        self._chunks: lancedb.AsyncTable | None = None
        self._write_lock = asyncio.Lock()
        self._fts_dirty = False

    async def open(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        self._db = await lancedb.connect_async(self.path)
        names = set((await self._db.list_tables()).tables)
        if ARTICLES in names:
            self._articles = await self._db.open_table(ARTICLES)
        else:
            self._articles = await self._db.create_table(ARTICLES, schema=_articles_schema())
        if CHUNKS in names:
            self._chunks = await self._db.open_table(CHUNKS)
        else:
            self._chunks = await self._db.create_table(CHUNKS, schema=_chunks_schema(self.dim))
            await self._chunks.create_index("text", config=FTS(with_position=False))

    async def close(self) -> None:
        for table in (self._articles, self._chunks):
            if table is not None:
                table.close()
        self._articles = self._chunks = None
        self._db = None

    @property
    def articles(self) -> lancedb.AsyncTable:
        if self._articles is None:
            raise RuntimeError("ArticleStore is not open")
        return self._articles

    @property
    def chunks(self) -> lancedb.AsyncTable:
        if self._chunks is None:
            raise RuntimeError("ArticleStore is not open")
        return self._chunks

    async def stored_dim(self) -> int:
        return (await self.chunks.schema()).field("vector").type.list_size

    async def count_articles(self) -> int:
        return await self.articles.count_rows()

    async def count_chunks(self) -> int:
        return await self.chunks.count_rows()

    async def get(self, article_id: str) -> Article | None:
        rows = (
            await self.articles.query().where(f"id = {_quote(article_id)}").limit(1).to_list()
        )
        if not rows:
            return None
        row = rows[0]
        return Article(
            id=row["id"],
            title=row["title"],
            body=row["body"],
            category=row["category"],
            product=row["product"],
            tags=row["tags"] or [],
            uri=article_uri(row["id"]),
            content_hash=row["content_hash"],
            updated_at=row["updated_at"],
        )

    async def content_hashes_for(self, article_id: str) -> tuple[str, str] | None:
        """(content hash, embedder name) of a stored article, or None."""
        rows = await (
            self.articles.query()
            .where(f"id = {_quote(article_id)}")
            .select(["content_hash", "embedder"])
            .limit(1)
            .to_list()
        )
        return (rows[0]["content_hash"], rows[0]["embedder"]) if rows else None

    async def count_chunks_of(self, article_id: str) -> int:
        return await self.chunks.count_rows(f"article_id = {_quote(article_id)}")

    async def content_hashes(self) -> dict[str, tuple[str, str]]:
        """article id -> (content hash, embedder name): what ingestion compares against."""
        rows = await self.articles.query().select(["id", "content_hash", "embedder"]).to_list()
        return {row["id"]: (row["content_hash"], row["embedder"]) for row in rows}

    async def chunk_vectors(self, article_id: str) -> dict[str, np.ndarray]:
        """fingerprint -> vector for the article's current chunks, so unchanged ones are reused."""
        rows = (
            await self.chunks.query()
            .where(f"article_id = {_quote(article_id)}")
            .select(["fingerprint", "vector"])
            .to_list()
        )
        return {row["fingerprint"]: np.asarray(row["vector"], np.float32) for row in rows}

    async def categories(self) -> dict[str, int]:
        rows = await self.articles.query().select(["category"]).to_list()
        counts: dict[str, int] = {}
        for row in rows:
            counts[row["category"]] = counts.get(row["category"], 0) + 1
        return dict(sorted(counts.items()))

    async def titles_in(self, category: str) -> list[tuple[str, str]]:
        rows = await (
            self.articles.query()
            .where(f"category = {_quote(category)}")
            .select(["id", "title"])
            .to_list()
        )
        return sorted(((row["id"], row["title"]) for row in rows), key=lambda r: r[1])

    async def write(self, article: ArticleInput, embedder: str, chunks: list[ChunkRow]) -> None:
        """Replace the article and all its chunks: each table changes in one commit."""
        now = datetime.now(UTC)
        chunk_table = pa.Table.from_pylist(
            [
                {
                    "chunk_id": chunk.chunk_id,
                    "article_id": article.id,
                    "chunk_index": chunk.chunk_index,
                    "title": article.title,
                    "heading": chunk.heading,
                    "text": chunk.text,
                    "category": article.category,
                    "product": article.product,
                    "tags": article.tags,
                    "fingerprint": chunk.fingerprint,
                    "vector": chunk.vector.astype(np.float32),
                }
                for chunk in chunks
            ],
            schema=_chunks_schema(self.dim),
        )
        article_row = pa.Table.from_pylist(
            [
                {
                    **article.model_dump(),
                    "content_hash": article.digest(),
                    "embedder": embedder,
                    "updated_at": now,
                }
            ],
            schema=_articles_schema(),
        )
        async with self._write_lock:
            await (
                self.chunks.merge_insert("chunk_id")
                .when_matched_update_all()
                .when_not_matched_insert_all()
                .when_not_matched_by_source_delete(f"article_id = {_quote(article.id)}")
                .execute(chunk_table)
            )
            await (
                self.articles.merge_insert("id")
                .when_matched_update_all()
                .when_not_matched_insert_all()
                .execute(article_row)
            )
            self._fts_dirty = True

    async def delete(self, article_id: str) -> int:
        """Remove the article and every chunk of it; returns the chunks removed."""
        predicate = f"article_id = {_quote(article_id)}"
        async with self._write_lock:
            removed = await self.chunks.count_rows(predicate)
            await self.chunks.delete(predicate)
            await self.articles.delete(f"id = {_quote(article_id)}")
            self._fts_dirty = True
        return removed

    async def refresh_indexes(self) -> None:
        """Fold new rows into the indexes. Unindexed rows are still searched, only slower."""
        async with self._write_lock:
            rows = await self.chunks.count_rows()
            indices = {index.name for index in await self.chunks.list_indices()}
            if rows >= VECTOR_INDEX_MIN_ROWS and "vector_idx" not in indices:
                partitions = max(1, int(rows**0.5 / 2))
                await self.chunks.create_index(
                    "vector",
                    config=IvfPq(
                        distance_type="cosine",
                        num_partitions=partitions,
                        num_sub_vectors=self.dim // 8,
                    ),
                )
            if self._fts_dirty:
                await self.chunks.optimize()
                self._fts_dirty = False

    async def search(
        self, query: str, vector: np.ndarray, filters: SearchFilters, limit: int
    ) -> list[dict]:
        """Hybrid vector + full-text search, fused by reciprocal rank; chunk rows, best first."""
        builder = (
            self.chunks.query()
            .nearest_to(vector.astype(np.float32))
            .distance_type("cosine")
            .nearest_to_text(query, columns="text")
            .rerank(RRFReranker(return_score="relevance"))
            .limit(limit)
        )
        where = filters.sql()
        if where:
            builder = builder.where(where)
        return await builder.to_list()

    async def text_matches(self, query: str, limit: int = 10) -> list[str]:
        """Article ids whose chunks match ``query`` in the full-text index alone."""
        rows = await (
            self.chunks.query().nearest_to_text(query, columns="text").select(["article_id", "_score"])
        ).limit(limit).to_list()
        return [row["article_id"] for row in rows]

    async def vector_matches(self, vector: np.ndarray, limit: int = 10) -> list[str]:
        """Article ids of the nearest chunks in the vector index alone."""
        rows = await (
            self.chunks.query().nearest_to(vector.astype(np.float32)).distance_type("cosine")
        ).select(["article_id", "_distance"]).limit(limit).to_list()
        return [row["article_id"] for row in rows]
