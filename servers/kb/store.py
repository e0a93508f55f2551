"""Articles and their passages in LanceDB: one table of articles, one of embedded chunks.

Every row belongs to a tenant, and every read and write names it: another tenant's article ids
do not exist for you. The chunk table carries a vector index (when large enough to need one)
and LanceDB's native full-text index; hybrid queries fuse the two with reciprocal-rank fusion.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

from core.lance import FTS, Bitmap, IvfPq, lancedb
from core.object_storage import StoreLocation
from core.write_turns import LocalTurns, WriteTurns
from servers.kb.article_index import ChunkRow, SearchFilters, reciprocal_rank_fusion
from servers.kb.models import Article, ArticleInput, article_uri

ARTICLES = "articles"
CHUNKS = "chunks"
# Below this many chunks a flat vector scan is faster than any index.
VECTOR_INDEX_MIN_ROWS = 20_000


def _quote(value: str) -> str:
    """A SQL string literal for a LanceDB filter."""
    return "'" + value.replace("'", "''") + "'"


def _in_list(values: list[str]) -> str:
    return ", ".join(map(_quote, values))


# Columns later versions added, with how an older store gets them on open.
_NULLABLE_ARTICLE_COLUMNS = (("url", pa.string()), ("source", pa.string()), ("locale", pa.string()))


def _articles_schema() -> pa.Schema:
    return pa.schema(
        [
            ("tenant", pa.string()),
            ("id", pa.string()),
            ("title", pa.string()),
            ("body", pa.string()),
            ("category", pa.string()),
            ("product", pa.string()),
            ("tags", pa.list_(pa.string())),
            ("content_hash", pa.string()),
            ("embedder", pa.string()),
            ("updated_at", pa.timestamp("us", tz="UTC")),
            *_NULLABLE_ARTICLE_COLUMNS,
        ]
    )


def _chunks_schema(dim: int) -> pa.Schema:
    return pa.schema(
        [
            ("tenant", pa.string()),
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
            ("url", pa.string()),
        ]
    )


def _where(filters: SearchFilters, tenant: str) -> str:
    clauses = [_of(tenant)]
    if filters.category:
        clauses.append(f"category = {_quote(filters.category)}")
    if filters.product:
        clauses.append(f"product = {_quote(filters.product)}")
    if filters.tags:
        clauses.append(f"array_has_any(tags, [{', '.join(map(_quote, filters.tags))}])")
    return " AND ".join(clauses)


def _of(tenant: str) -> str:
    return f"tenant = {_quote(tenant)}"


class ArticleStore:
    """The ``ArticleIndex`` in LanceDB. Open once, share, close at shutdown."""

    @classmethod
    def in_dir(cls, data_dir: Path, dim: int, **options) -> ArticleStore:
        """The store in ``data_dir`` (its ``kb.lance``)."""
        return cls(data_dir / "kb.lance", dim, **options)

    def __init__(
        self,
        location: StoreLocation | Path,
        dim: int,
        *,
        refresh_seconds: float | None = None,
        legacy_tenant: str = "demo",
        turns: WriteTurns | None = None,
    ) -> None:
        """``location``: a local directory or shared object storage. ``refresh_seconds``: how
        often to look for other processes' writes (None: never). ``legacy_tenant``: whose
        articles a store from before tenancy holds. ``turns``: how writers of one tenant's
        articles take turns (replicas sharing object storage need more than this process)."""
        if isinstance(location, Path):
            location = StoreLocation.local(location)
        self.location = location
        self.dim = dim
        self.refresh_seconds = refresh_seconds
        self.legacy_tenant = legacy_tenant
        self._db: lancedb.AsyncConnection | None = None
        self._articles: lancedb.AsyncTable | None = None
        self._chunks: lancedb.AsyncTable | None = None
        self._write_lock = asyncio.Lock()
        self._turns: WriteTurns = turns or LocalTurns()
        self._fts_dirty = False

    def describe(self) -> str:
        return self.location.describe()

    async def open(self) -> None:
        # Replicas opening a new shared store together must not both create its tables.
        async with self._turns.hold("kb:open"):
            await self._open()

    async def _open(self) -> None:
        self.location.prepare()
        interval = None if self.refresh_seconds is None else timedelta(seconds=self.refresh_seconds)
        self._db = await lancedb.connect_async(
            self.location.uri, read_consistency_interval=interval,
            storage_options=self.location.storage_options or None,
        )
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
        await self._add_missing_columns()

    async def _add_missing_columns(self) -> None:
        """Bring a store written by an earlier version up to date, in place: its articles
        belong to the legacy tenant, and the newer optional columns start empty."""
        tenant = {"tenant": _quote(self.legacy_tenant)}
        for table, nullable in ((self.articles, _NULLABLE_ARTICLE_COLUMNS),
                                (self.chunks, (("url", pa.string()),))):
            names = set((await table.schema()).names)
            if "tenant" not in names:
                await table.add_columns(tenant)
            missing = [pa.field(name, kind) for name, kind in nullable if name not in names]
            if missing:
                await table.add_columns(missing)

    async def close(self) -> None:
        await self._turns.close()
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

    async def chunks_version(self) -> int:
        """The chunk table's version: it moves on with every write, ours or another process's."""
        return await self.chunks.version()

    async def articles_version(self) -> int:
        """The article table's version: it moves on with every write, ours or another's."""
        return await self.articles.version()

    async def prepare(self, tenant: str) -> None:
        """Nothing to build: searches read the tables as they are."""

    async def stored_dim(self) -> int:
        return (await self.chunks.schema()).field("vector").type.list_size

    async def count_articles(self, tenant: str | None = None) -> int:
        """Articles of ``tenant``, or of every tenant."""
        return await self.articles.count_rows(_of(tenant) if tenant is not None else None)

    async def count_chunks(self, tenant: str | None = None) -> int:
        """Passages of ``tenant``, or of every tenant."""
        return await self.chunks.count_rows(_of(tenant) if tenant is not None else None)

    async def passages_of(self, tenant: str, columns: list[str]) -> pa.Table:
        """Every passage of ``tenant``: what a serving index is built from."""
        return await self.chunks.query().where(_of(tenant)).select(columns).to_arrow()

    async def get(self, tenant: str, article_id: str) -> Article | None:
        rows = await (
            self.articles.query()
            .where(f"{_of(tenant)} AND id = {_quote(article_id)}")
            .limit(1)
            .to_list()
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
            url=row.get("url"),
            source=row.get("source"),
            locale=row.get("locale"),
            uri=article_uri(row["id"]),
            content_hash=row["content_hash"],
            updated_at=row["updated_at"],
        )

    async def hashes_for(self, tenant: str, article_ids: list[str]) -> dict[str, tuple[str, str]]:
        """article id -> (content hash, embedder name) for those of ``article_ids`` stored."""
        if not article_ids:
            return {}
        rows = await (
            self.articles.query()
            .where(f"{_of(tenant)} AND id IN ({_in_list(article_ids)})")
            .select(["id", "content_hash", "embedder"])
            .to_list()
        )
        return {row["id"]: (row["content_hash"], row["embedder"]) for row in rows}

    async def chunk_counts_for(self, tenant: str, article_ids: list[str]) -> dict[str, int]:
        rows = await (
            self.chunks.query()
            .where(f"{_of(tenant)} AND article_id IN ({_in_list(article_ids)})")
            .select(["article_id"])
            .to_list()
        )
        counts: dict[str, int] = {}
        for row in rows:
            counts[row["article_id"]] = counts.get(row["article_id"], 0) + 1
        return counts

    async def count_chunks_of(self, tenant: str, article_id: str) -> int:
        return await self.chunks.count_rows(f"{_of(tenant)} AND article_id = {_quote(article_id)}")

    async def chunk_vectors_for(
        self, tenant: str, article_ids: list[str]
    ) -> dict[str, dict[str, np.ndarray]]:
        """article id -> fingerprint -> vector of current chunks, so unchanged ones are reused."""
        if not article_ids:
            return {}
        rows = await (
            self.chunks.query()
            .where(f"{_of(tenant)} AND article_id IN ({_in_list(article_ids)})")
            .select(["article_id", "fingerprint", "vector"])
            .to_list()
        )
        vectors: dict[str, dict[str, np.ndarray]] = {}
        for row in rows:
            vectors.setdefault(row["article_id"], {})[row["fingerprint"]] = np.asarray(
                row["vector"], np.float32
            )
        return vectors

    async def categories(self, tenant: str) -> dict[str, int]:
        rows = await self.articles.query().where(_of(tenant)).select(["category"]).to_list()
        counts: dict[str, int] = {}
        for row in rows:
            counts[row["category"]] = counts.get(row["category"], 0) + 1
        return dict(sorted(counts.items()))

    async def titles_in(self, tenant: str, category: str) -> list[tuple[str, str]]:
        rows = await (
            self.articles.query()
            .where(f"{_of(tenant)} AND category = {_quote(category)}")
            .select(["id", "title"])
            .to_list()
        )
        return sorted(((row["id"], row["title"]) for row in rows), key=lambda r: r[1])

    async def write_many(
        self,
        tenant: str,
        items: list[tuple[ArticleInput, list[ChunkRow]]],
        embedder: str,
        *,
        all_new: bool = False,
    ) -> None:
        """Replace the articles and all their chunks: each table changes in one commit.

        ``all_new`` says none of the articles is stored yet: a plain append then does the work
        of the merge without its join against the whole table.
        """
        now = datetime.now(UTC)
        chunk_rows = [
            {
                "tenant": tenant,
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
                "url": article.url,
            }
            for article, chunks in items
            for chunk in chunks
        ]
        article_rows = [
            {**article.model_dump(), "tenant": tenant, "content_hash": article.digest(),
             "embedder": embedder, "updated_at": now}
            for article, _ in items
        ]
        ids = _in_list([article.id for article, _ in items])
        chunk_table = pa.Table.from_pylist(chunk_rows, schema=_chunks_schema(self.dim))
        article_table = pa.Table.from_pylist(article_rows, schema=_articles_schema())
        async with self._writing(tenant):
            self._fts_dirty = True
            if all_new and not self.location.shared:
                await self.chunks.add(chunk_table)
                await self.articles.add(article_table)
                return
            await (
                self.chunks.merge_insert(["tenant", "chunk_id"])
                .when_matched_update_all()
                .when_not_matched_insert_all()
                .when_not_matched_by_source_delete(f"{_of(tenant)} AND article_id IN ({ids})")
                .execute(chunk_table)
            )
            await (
                self.articles.merge_insert(["tenant", "id"])
                .when_matched_update_all()
                .when_not_matched_insert_all()
                .execute(article_table)
            )

    @contextlib.asynccontextmanager
    async def _writing(self, tenant: str) -> AsyncIterator[None]:
        """This process's write lock and the tenant's turn; on a shared store, then the latest
        version, so a merge joins against what other replicas just wrote."""
        async with self._write_lock, self._turns.hold(f"kb:{tenant}"):
            if self.location.shared:
                await self.chunks.checkout_latest()
                await self.articles.checkout_latest()
            yield

    async def delete(self, tenant: str, article_id: str) -> int:
        """Remove the article and every chunk of it; returns the chunks removed."""
        predicate = f"{_of(tenant)} AND article_id = {_quote(article_id)}"
        async with self._writing(tenant):
            removed = await self.chunks.count_rows(predicate)
            await self.chunks.delete(predicate)
            await self.articles.delete(f"{_of(tenant)} AND id = {_quote(article_id)}")
            self._fts_dirty = True
        return removed

    async def upkeep(self) -> str:
        """The scheduled job of a shared store (one replica at a time): build missing indexes,
        fold in what every replica wrote and compact."""
        self._fts_dirty = True
        await self.refresh_indexes()
        return f"{await self.count_chunks()} passages indexed"

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
                await self.chunks.create_index("category", config=Bitmap())
                await self.chunks.create_index("tenant", config=Bitmap())
            if self._fts_dirty:
                await self.chunks.optimize()
                self._fts_dirty = False

    async def search(
        self, tenant: str, query: str, vector: np.ndarray, filters: SearchFilters, limit: int
    ) -> list[dict]:
        """Hybrid search: the vector and full-text legs run concurrently, then rank-fuse.

        Fusing here rather than with LanceDB's reranker keeps the legs concurrent and halves
        the latency (measured in bench/kb_bench.py).
        """
        columns = ["chunk_id", "article_id", "title", "heading", "text", "category", "url"]
        where = _where(filters, tenant)
        vector_leg = (
            self.chunks.query()
            .nearest_to(vector.astype(np.float32))
            .distance_type("cosine")
            .select([*columns, "_distance"])
            .limit(limit)
        )
        text_leg = (
            self.chunks.query()
            .nearest_to_text(query, columns="text")
            .select([*columns, "_score"])
            .limit(limit)
        )
        vector_leg, text_leg = vector_leg.where(where), text_leg.where(where)
        by_vector, by_text = await asyncio.gather(vector_leg.to_list(), text_leg.to_list())
        return reciprocal_rank_fusion([by_vector, by_text], key="chunk_id", limit=limit)

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
