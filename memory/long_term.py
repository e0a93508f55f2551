"""Long-term memory: facts, preferences and past resolutions per customer, found by meaning.

Writing the same content again (same tenant, customer and kind) changes nothing and returns
the same id. A near-duplicate (cosine similarity at or above the threshold, same customer and
kind) is merged into the memory it resembles: the newer wording wins, the id stays, both
wordings are remembered as aliases. Expired memories are never returned and are deleted
lazily (on a later write or when read).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np

from core.object_storage import StoreLocation
from core.write_turns import LocalTurns, WriteTurns
from embeddings import Embedder, embed_soon
from memory.customer_rows import CustomerRows
from memory.errors import MemoryTierError, NotFound
from memory.models import MemoryKind, MemoryRecord, RecalledMemory, memory_uri
from memory.memory_rows import MemoryFilter, MemoryRows
from memory.vector_store import UPKEEP_EVERY_WRITES, MemoryTable, join_namespace, row_uid

MEMORIES = "memories"
STORE_FILE = "memory.lance"
# Expired rows are deleted at most this often, on the write path.
PURGE_INTERVAL_SECONDS = 60.0
KINDS: tuple[str, ...] = get_args(MemoryKind)

Outcome = Literal["created", "merged", "unchanged"]


def customer_namespace(tenant: str, customer_id: str) -> tuple[str, str, str]:
    return (tenant, customer_id, MEMORIES)


def content_hash(tenant: str, customer_id: str, kind: str, content: str) -> str:
    normal = re.sub(r"\s+", " ", content).strip().casefold()
    return hashlib.sha256("\x00".join((tenant, customer_id, kind, normal)).encode()).hexdigest()


def memory_id_for(digest: str) -> str:
    return f"m-{digest[:24]}"


def to_ms(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp() * 1000)


def from_ms(ms: int | None) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, UTC)


def record_from_row(row: dict[str, Any]) -> MemoryRecord:
    return MemoryRecord(
        id=row["id"],
        customer_id=row["customer_id"],
        kind=row["kind"] if row["kind"] in KINDS else "fact",
        content=row["content"],
        source=row["source"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        expires_at=from_ms(row["expires_ms"]),
        mentions=row["mentions"],
        uri=memory_uri(row["customer_id"]),
    )


def similarity(row: dict[str, Any]) -> float:
    return max(0.0, min(1.0, 1.0 - float(row["_distance"])))


def long_term_in(
    data_dir: Path, embedder: Embedder, *, read_consistency_seconds: float = 0.0,
    location: StoreLocation | None = None, **options
) -> LongTermMemory:
    """Long-term memory over the LanceDB table at ``location`` (default: in ``data_dir``),
    not yet open. A shared store leaves compaction to the scheduled upkeep job (one replica
    at a time) instead of every writer."""
    location = location or StoreLocation.local(data_dir / STORE_FILE)
    table = MemoryTable(location, embedder.dim, read_consistency_seconds=read_consistency_seconds,
                        upkeep_every=0 if location.shared else UPKEEP_EVERY_WRITES,
                        customer_rows=CustomerRows())
    return LongTermMemory(table, embedder, **options)


class LongTermMemory:
    def __init__(
        self,
        table: MemoryRows,
        embedder: Embedder,
        *,
        dedupe_threshold: float = 0.92,
        clock: Callable[[], float] = time.time,
        turns: WriteTurns | None = None,
    ) -> None:
        """Memories in ``table`` (opened by ``open``), embedded by ``embedder``. ``turns``:
        how writers of one customer's memories take turns (the dedupe reads, then writes)."""
        self.embedder = embedder
        self.turns: WriteTurns = turns or LocalTurns()
        self.dedupe_threshold = dedupe_threshold
        self.table = table
        self._clock = clock
        self._last_purge = 0.0

    async def open(self) -> None:
        await self.table.open()
        stored = await self.table.stored_dim()
        if stored != self.embedder.dim:
            raise MemoryTierError(
                f"long-term memory ({self.table.describe()}) holds {stored}-dim vectors but the "
                f"embedder {self.embedder.name!r} makes {self.embedder.dim}-dim ones; "
                "use another data directory"
            )

    async def close(self) -> None:
        await self.table.close()
        await self.turns.close()

    def describe(self) -> str:
        return self.table.describe()

    async def ready(self) -> bool:
        try:
            await self.table.count()
        except Exception:  # not open, or the store went away: not ready, whatever the cause
            return False
        return True

    def now_ms(self) -> int:
        return int(self._clock() * 1000)

    async def embed(self, texts: list[str]) -> np.ndarray:
        return await embed_soon(self.embedder, texts)

    def _scope(self, tenant: str, customer_id: str | None = None, **more: Any) -> MemoryFilter:
        """The tenant's (or one customer's) memories not yet expired, narrowed by ``more``."""
        return MemoryFilter(tenant=tenant, customer_id=customer_id, live_at_ms=self.now_ms(),
                            **more)

    async def remember(
        self,
        tenant: str,
        customer_id: str,
        content: str,
        *,
        kind: MemoryKind = "fact",
        source: str = "agent",
        expires_at: datetime | None = None,
    ) -> tuple[MemoryRecord, Outcome]:
        """Write a memory, or find the one it repeats or nearly repeats."""
        digest = content_hash(tenant, customer_id, kind, content)
        namespace = customer_namespace(tenant, customer_id)
        same_scope = self._scope(tenant, customer_id, kinds=(kind,),
                                 namespace=join_namespace(namespace))
        vector = (await self.embed([content]))[0]
        async with self.turns.hold(f"{tenant}:{customer_id}"), self.table.write_lock:
            await self._purge_if_due()
            known = await self.table.select(replace(same_scope, content_hash=digest), limit=1)
            if known:
                return record_from_row(known[0]), "unchanged"
            near = await self.table.nearest_matching(
                vector, replace(same_scope, indexed=True), 1, exact=True
            )
            now = datetime.fromtimestamp(self._clock(), UTC)
            if near and similarity(near[0]) >= self.dedupe_threshold:
                row = near[0]
                old_expiry = row["expires_ms"]
                new_expiry = to_ms(expires_at)
                merged = {
                    **{key: row[key] for key in row if not key.startswith("_")},
                    "content": content,
                    "value_json": json.dumps(
                        {"content": content, "kind": kind, "source": source}
                    ),
                    "source": source,
                    "content_hashes": [*row["content_hashes"], digest],
                    "updated_at": now,
                    "expires_ms": None
                    if old_expiry is None or new_expiry is None
                    else max(old_expiry, new_expiry),
                    "mentions": row["mentions"] + 1,
                    "vector": vector,
                }
                await self.table.upsert([merged])
                return record_from_row(merged), "merged"
            row = {
                "uid": row_uid(namespace, memory_id_for(digest)),
                "id": memory_id_for(digest),
                "namespace": join_namespace(namespace),
                "tenant": tenant,
                "customer_id": customer_id,
                "kind": kind,
                "content": content,
                "value_json": json.dumps({"content": content, "kind": kind, "source": source}),
                "source": source,
                "content_hashes": [digest],
                "created_at": now,
                "updated_at": now,
                "expires_ms": to_ms(expires_at),
                "ttl_seconds": None,
                "mentions": 1,
                "indexed": True,
                "vector": vector,
            }
            await self.table.upsert([row])
        return record_from_row(row), "created"

    async def get(self, tenant: str, memory_id: str) -> MemoryRecord:
        rows = await self.table.select(MemoryFilter(tenant=tenant, memory_id=memory_id), limit=1)
        if not rows:
            raise NotFound(f"memory_id: no memory with id {memory_id!r}")
        if rows[0]["expires_ms"] is not None and rows[0]["expires_ms"] <= self.now_ms():
            await self.purge_expired()
            raise NotFound(f"memory_id: no memory with id {memory_id!r}")
        return record_from_row(rows[0])

    async def recall(
        self,
        tenant: str,
        query: str,
        *,
        customer_id: str | None = None,
        kinds: list[str] | None = None,
        source: str | None = None,
        limit: int = 5,
        min_score: float = 0.0,
    ) -> list[RecalledMemory]:
        """Memories closest in meaning to ``query``, best first, expired ones never."""
        where = self._scope(tenant, customer_id, indexed=True, kinds=tuple(kinds or ()),
                            source=source)
        vector = (await self.embed([query]))[0]
        rows = await self.table.nearest_matching(vector, where, limit,
                                                 exact=customer_id is not None)
        return [
            RecalledMemory(**record_from_row(row).model_dump(), score=round(similarity(row), 6))
            for row in rows
            if similarity(row) >= min_score
        ]

    async def of_customer(
        self, tenant: str, customer_id: str, *, limit: int = 100
    ) -> list[MemoryRecord]:
        """The customer's live memories, newest first."""
        rows = await self.table.select(self._scope(tenant, customer_id))
        rows.sort(key=lambda row: row["updated_at"], reverse=True)
        return [record_from_row(row) for row in rows[:limit]]

    async def forget(self, tenant: str, memory_id: str) -> int:
        async with self.table.write_lock:
            return await self.table.delete_matching(
                MemoryFilter(tenant=tenant, memory_id=memory_id))

    async def forget_customer(self, tenant: str, customer_id: str) -> int:
        async with self.table.write_lock:
            return await self.table.delete_matching(
                MemoryFilter(tenant=tenant, customer_id=customer_id))

    async def purge_expired(self) -> int:
        self._last_purge = self._clock()
        return await self.table.delete_matching(MemoryFilter(expired_at_ms=self.now_ms()))

    async def upkeep(self) -> str:
        """Drop expired memories, then compact the table and refresh its indexes (a job)."""
        purged = await self.purge_expired()
        async with self.table.write_lock:
            await self.table.refresh_indexes()
        return f"{purged} expired memories removed; indexes refreshed"

    async def _purge_if_due(self) -> None:
        if self._clock() - self._last_purge >= PURGE_INTERVAL_SECONDS:
            await self.purge_expired()
