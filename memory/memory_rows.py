"""Where long-term memories live, as ``LongTermMemory`` sees it: the ``MemoryRows`` interface
and the ``MemoryFilter`` its queries are written in. ``memory.vector_store.MemoryTable``
(LanceDB, the store of record) turns a filter into SQL; ``memory.memory_rows_in_process`` is
an in-process one for tests not about storage. Both pass the same tests
(tests/memory/test_long_term.py runs against each).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np


@dataclass(frozen=True, slots=True)
class MemoryFilter:
    """Rows matching every given field."""

    tenant: str | None = None
    customer_id: str | None = None
    memory_id: str | None = None
    kinds: tuple[str, ...] = ()
    namespace: str | None = None
    source: str | None = None
    content_hash: str | None = None
    """A row whose ``content_hashes`` holds this one."""
    live_at_ms: int | None = None
    """Not expired at this moment (epoch ms)."""
    expired_at_ms: int | None = None
    """Expired at this moment (epoch ms)."""
    indexed: bool | None = None


def matches(row: dict[str, Any], match: MemoryFilter) -> bool:
    """Whether one row passes the filter, as the table's SQL predicate would have it."""
    expires = row.get("expires_ms")
    checks = (
        match.tenant is None or row["tenant"] == match.tenant,
        match.customer_id is None or row["customer_id"] == match.customer_id,
        match.memory_id is None or row["id"] == match.memory_id,
        not match.kinds or row["kind"] in match.kinds,
        match.namespace is None or row["namespace"] == match.namespace,
        match.source is None or row["source"] == match.source,
        match.content_hash is None or match.content_hash in row["content_hashes"],
        match.live_at_ms is None or expires is None or expires > match.live_at_ms,
        match.expired_at_ms is None or (expires is not None and expires <= match.expired_at_ms),
        match.indexed is None or row["indexed"] == match.indexed,
    )
    return all(checks)


class MemoryRows(Protocol):
    write_lock: asyncio.Lock
    """Held by every writer (and by upkeep): a compaction must not race an update."""

    def describe(self) -> str: ...

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def stored_dim(self) -> int: ...

    async def count(self) -> int: ...

    async def select(
        self, match: MemoryFilter, *, limit: int | None = None
    ) -> list[dict[str, Any]]:
        ...

    async def nearest_matching(
        self, vector: np.ndarray, match: MemoryFilter, limit: int, *, exact: bool
    ) -> list[dict[str, Any]]:
        """Rows nearest ``vector`` by cosine, best first; ``_distance`` = 1 - cosine."""
        ...

    async def upsert(self, rows: Iterable[dict[str, Any]]) -> None:
        """Insert or replace rows by ``uid``, all at once."""
        ...

    async def delete_matching(self, match: MemoryFilter) -> int:
        """Remove the matching rows; how many there were."""
        ...

    async def refresh_indexes(self) -> None: ...
