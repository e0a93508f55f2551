"""Long-term memories in one LanceDB table (async API): rows in, rows out, no policy.

A row is addressed by ``uid`` = namespace + NUL + key, so LangGraph ``BaseStore`` namespaces
and the memory server's ``(tenant, customer_id, "memories")`` share one table. Expiry is an
epoch-millisecond column so every query can exclude expired rows in its SQL filter.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from core.lance import BTree, IvfFlat, lancedb
from core.object_storage import StoreLocation
from memory.customer_rows import CustomerKey, CustomerRows
from memory.memory_rows import MemoryFilter

TABLE = "memories"
NAMESPACE_SEPARATOR = "."  # LangGraph forbids '.' inside a namespace label
# Below this many rows a flat scan beats any vector index.
VECTOR_INDEX_MIN_ROWS = 20_000
# Each write commits a small fragment and queries slow as they pile up: after 1,000 single
# writes, recall p50 is 77 ms without upkeep and 9 ms with it (bench/memory_writes_bench.py).
UPKEEP_EVERY_WRITES = 100

logger = logging.getLogger(__name__)


def quote(value: str) -> str:
    """A SQL string literal for a LanceDB filter."""
    return "'" + value.replace("'", "''") + "'"


def join_namespace(namespace: tuple[str, ...]) -> str:
    return NAMESPACE_SEPARATOR.join(namespace)


def split_namespace(joined: str) -> tuple[str, ...]:
    return tuple(joined.split(NAMESPACE_SEPARATOR))


def row_uid(namespace: tuple[str, ...], key: str) -> str:
    return f"{join_namespace(namespace)}\x00{key}"


def schema(dim: int) -> pa.Schema:
    return pa.schema(
        [
            ("uid", pa.string()),
            ("id", pa.string()),
            ("namespace", pa.string()),
            ("tenant", pa.string()),
            ("customer_id", pa.string()),
            ("kind", pa.string()),
            ("content", pa.string()),
            ("value_json", pa.string()),
            ("source", pa.string()),
            ("content_hashes", pa.list_(pa.string())),
            ("created_at", pa.timestamp("us", tz="UTC")),
            ("updated_at", pa.timestamp("us", tz="UTC")),
            pa.field("expires_ms", pa.int64(), nullable=True),
            pa.field("ttl_seconds", pa.float64(), nullable=True),
            ("mentions", pa.int32()),
            ("indexed", pa.bool_()),
            ("vector", pa.list_(pa.float32(), dim)),
        ]
    )


def live_sql(now_ms: int) -> str:
    return f"(expires_ms IS NULL OR expires_ms > {now_ms})"


def filter_sql(match: MemoryFilter) -> str:
    """The filter as a LanceDB SQL predicate."""
    clauses = []
    for column, value in (("tenant", match.tenant), ("customer_id", match.customer_id),
                          ("id", match.memory_id), ("namespace", match.namespace),
                          ("source", match.source)):
        if value is not None:
            clauses.append(f"{column} = {quote(value)}")
    if match.kinds:
        clauses.append(f"kind IN ({', '.join(map(quote, match.kinds))})")
    if match.content_hash is not None:
        clauses.append(f"array_has_any(content_hashes, [{quote(match.content_hash)}])")
    if match.live_at_ms is not None:
        clauses.append(live_sql(match.live_at_ms))
    if match.expired_at_ms is not None:
        clauses.append(f"expires_ms IS NOT NULL AND expires_ms <= {match.expired_at_ms}")
    if match.indexed is not None:
        clauses.append(f"indexed = {'true' if match.indexed else 'false'}")
    return " AND ".join(clauses) or "true"


class MemoryTable:
    """Async LanceDB access for long-term memory (``MemoryRows`` for ``LongTermMemory``, SQL
    filters for the LangGraph store). Open once, share, close at shutdown."""

    def __init__(
        self,
        location: StoreLocation | Path,
        dim: int,
        *,
        read_consistency_seconds: float = 0.0,
        upkeep_every: int = UPKEEP_EVERY_WRITES,
        customer_rows: CustomerRows | None = None,
    ) -> None:
        """``upkeep_every``: writes between index refreshes and compactions (0: never).
        ``customer_rows``: where reads scoped to one customer are answered from, while the
        table's version has not moved (None: every read queries the table)."""
        if isinstance(location, Path):
            location = StoreLocation.local(location)
        self.location = location
        self.dim = dim
        self.read_consistency = timedelta(seconds=read_consistency_seconds)
        self.upkeep_every = upkeep_every
        self._db: lancedb.AsyncConnection | None = None
        self._table: lancedb.AsyncTable | None = None
        self.write_lock = asyncio.Lock()
        """Held by every writer (and by upkeep): a compaction must not race an update."""
        self._writes = 0
        self._upkeep: asyncio.Task[None] | None = None
        self._customer_rows = customer_rows

    async def open(self) -> None:
        self.location.prepare()
        self._db = await lancedb.connect_async(
            self.location.uri, read_consistency_interval=self.read_consistency,
            storage_options=self.location.storage_options or None,
        )
        # exist_ok: another process may create the table at the same moment.
        self._table = await self._db.create_table(TABLE, schema=schema(self.dim), exist_ok=True)

    async def close(self) -> None:
        if self._upkeep is not None:
            await self._upkeep
            self._upkeep = None
        if self._table is not None:
            self._table.close()
        self._table = None
        self._db = None

    @property
    def table(self) -> lancedb.AsyncTable:
        if self._table is None:
            raise RuntimeError("MemoryTable is not open")
        return self._table

    def describe(self) -> str:
        return self.location.describe()

    async def select(
        self, match: MemoryFilter, *, limit: int | None = None
    ) -> list[dict[str, Any]]:
        if (customer := await self._held_customer(match)) is not None:
            return self._customer_rows.select(customer, match, limit)
        return await self.rows(filter_sql(match), limit=limit)

    async def nearest_matching(
        self, vector: np.ndarray, match: MemoryFilter, limit: int, *, exact: bool
    ) -> list[dict[str, Any]]:
        if exact and (customer := await self._held_customer(match)) is not None:
            return self._customer_rows.nearest(customer, vector, match, limit)
        return await self.nearest(vector, filter_sql(match), limit, exact=exact)

    async def _held_customer(self, match: MemoryFilter) -> CustomerKey | None:
        """The customer this filter is scoped to, once their rows are held at the table's
        current version (read now if they were not); None to query the table instead."""
        if self._customer_rows is None or (key := CustomerRows.key_of(match)) is None:
            return None
        version = await self.table.version()
        if not self._customer_rows.holds(key, version):
            tenant, customer_id = key
            where = filter_sql(MemoryFilter(tenant=tenant, customer_id=customer_id))
            # Counting is a tenth of a millisecond: a customer too large to hold is not read.
            if await self.count(where) > self._customer_rows.max_rows_per_customer:
                return None
            # Read after the version: these rows are at least as new as the tag they get.
            self._customer_rows.put(key, version, await self.rows(where))
        return key if self._customer_rows.holds(key, version) else None

    async def delete_matching(self, match: MemoryFilter) -> int:
        return await self.delete(filter_sql(match))

    async def stored_dim(self) -> int:
        return (await self.table.schema()).field("vector").type.list_size

    async def count(self, where: str | None = None) -> int:
        return await self.table.count_rows(where)

    async def rows(
        self,
        where: str,
        *,
        limit: int | None = None,
        columns: list[str] | None = None,
    ) -> list[dict[str, Any]]:
        query = self.table.query().where(where)
        if columns:
            query = query.select(columns)
        if limit is not None:
            query = query.limit(limit)
        return await query.to_list()

    async def nearest(
        self, vector: np.ndarray, where: str, limit: int, *, exact: bool
    ) -> list[dict[str, Any]]:
        """Rows nearest ``vector`` by cosine, filtered before ranking; ``_distance`` = 1 - cos.

        ``exact`` bypasses the vector index: a scope narrowed by a scalar index (one customer)
        is small, and an approximate index could miss some of its rows.
        """
        query = (
            self.table.query()
            .nearest_to(vector.astype(np.float32))
            .distance_type("cosine")
            .where(where)
            .limit(limit)
        )
        query = query.bypass_vector_index() if exact else query.nprobes(32)
        return await query.to_list()

    async def upsert(self, rows: Iterable[dict[str, Any]]) -> None:
        """Insert or replace rows by uid, atomically (one commit).

        Rows whose customers are held at the table's current version, none of them there
        yet, are appended: a fifth of a merge's time. A writer of the same memory takes the
        same turn first (``LongTermMemory.turns``), so none commits it in between."""
        rows = list(rows)
        batch = pa.Table.from_pylist(rows, schema=schema(self.dim))
        if batch.num_rows == 0:
            return
        before = await self.table.version() if self._customer_rows is not None else 0
        if self._customer_rows is not None and self._customer_rows.lacks(before, rows):
            await self.table.add(batch)
        else:
            await (
                self.table.merge_insert("uid")
                .when_matched_update_all()
                .when_not_matched_insert_all()
                .execute(batch)
            )
        if self._customer_rows is not None:
            # The rows as a read returns them (the same Arrow types, missing columns null).
            self._customer_rows.wrote(before, await self.table.version(), batch.to_pylist())
        self._wrote()

    async def append(self, batch: pa.Table) -> None:
        """Bulk insert of rows known to be new (imports, benchmarks)."""
        await self.table.add(batch)
        self._wrote()

    async def update_sql(self, where: str, expressions: dict[str, str]) -> int:
        result = await self.table.update(where=where, updates_sql=expressions)
        self._wrote()
        return result.rows_updated

    async def delete(self, where: str) -> int:
        removed = await self.table.count_rows(where)
        if removed:
            await self.table.delete(where)
            self._wrote()
        return removed

    def _wrote(self) -> None:
        """Count a write; every ``upkeep_every`` writes, refresh the indexes in the background."""
        self._writes += 1
        if not self.upkeep_every or self._writes < self.upkeep_every:
            return
        if self._upkeep is None or self._upkeep.done():
            self._writes = 0
            self._upkeep = asyncio.create_task(self._keep_up(), name="memory-upkeep")

    async def _keep_up(self) -> None:
        try:
            async with self.write_lock:
                await self.refresh_indexes()
        except Exception:  # the writes are safe; the next round of writes tries again
            logger.warning("memory: index refresh and compaction failed", exc_info=True)

    async def refresh_indexes(self) -> None:
        """Scalar indexes for the filters every query uses, a vector index once large; then
        compact the small fragments writes left and fold new rows into the indexes."""
        names = {index.name for index in await self.table.list_indices()}
        for column in ("customer_id", "uid", "tenant"):
            if f"{column}_idx" not in names:
                await self.table.create_index(column, config=BTree())
        rows = await self.table.count_rows()
        if rows >= VECTOR_INDEX_MIN_ROWS and "vector_idx" not in names:
            # IVF without quantisation: exact distances in the probed partitions, and it
            # builds in seconds (IVF-PQ took ~10x longer to train at 100k rows, 2 cores).
            await self.table.create_index(
                "vector",
                config=IvfFlat(
                    distance_type="cosine", num_partitions=max(1, int(rows**0.5 / 2))
                ),
            )
        await self.table.optimize()
