"""``MemoryRows`` in process memory: exact cosine ranking over a dict of rows. For tests whose
subject is not storage; nothing survives the process."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

import numpy as np

from memory.memory_rows import MemoryFilter, matches


class InProcessMemoryRows:
    def __init__(self, dim: int) -> None:
        self.dim = dim
        self.write_lock = asyncio.Lock()
        self._rows: dict[str, dict[str, Any]] = {}

    def describe(self) -> str:
        return "in process memory"

    async def open(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def stored_dim(self) -> int:
        return self.dim

    async def count(self) -> int:
        return len(self._rows)

    async def select(
        self, match: MemoryFilter, *, limit: int | None = None
    ) -> list[dict[str, Any]]:
        found = [dict(row) for row in self._rows.values() if matches(row, match)]
        return found[:limit] if limit is not None else found

    async def nearest_matching(
        self, vector: np.ndarray, match: MemoryFilter, limit: int, *, exact: bool
    ) -> list[dict[str, Any]]:
        scored = []
        for row in self._rows.values():
            if matches(row, match):
                stored = np.asarray(row["vector"], np.float32)
                norm = float(np.linalg.norm(stored) * np.linalg.norm(vector)) or 1.0
                scored.append({**row, "_distance": 1.0 - float(np.dot(stored, vector)) / norm})
        return sorted(scored, key=lambda row: row["_distance"])[:limit]

    async def upsert(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            self._rows[row["uid"]] = {**row, "vector": np.asarray(row["vector"], np.float32)}

    async def delete_matching(self, match: MemoryFilter) -> int:
        gone = [uid for uid, row in self._rows.items() if matches(row, match)]
        for uid in gone:
            del self._rows[uid]
        return len(gone)

    async def refresh_indexes(self) -> None:
        return None  # every query reads the rows as they are
