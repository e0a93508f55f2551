"""Recently used customers' memories held in process, each tagged with the table version it
was read at.

A resolution reads one customer's memories up to four times (recall, then remember's
repeat check and near-duplicate search) and each LanceDB query costs milliseconds of planning,
while a customer rarely has more than a few dozen memories. So ``MemoryTable`` answers those
customer-scoped reads from here while the table's version has not moved. Its own writes carry
the entries forward to the version they made, when nothing else committed in between; any other
change (another process, compaction) makes the next read load the customer again.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from memory.memory_rows import MemoryFilter, matches

CustomerKey = tuple[str, str]
"""(tenant, customer_id)."""

# At most this many rows are held over all customers (least recently used dropped first), and
# a customer with more than ROWS_PER_CUSTOMER is always read from the table.
CACHED_ROWS = 20_000
ROWS_PER_CUSTOMER = 1_000


@dataclass
class _Entry:
    version: int
    rows: dict[str, dict[str, Any]]
    """uid -> row, as the table returns it."""
    _vectors: np.ndarray | None = None

    def add(self, row: dict[str, Any]) -> bool:
        """Insert or replace ``row``; whether it is a new one."""
        new = row["uid"] not in self.rows
        self.rows[row["uid"]] = row
        self._vectors = None
        return new

    def unit_vectors(self) -> np.ndarray:
        if self._vectors is None:
            vectors = np.asarray([row["vector"] for row in self.rows.values()], np.float32)
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            self._vectors = vectors / np.where(norms == 0, 1.0, norms)
        return self._vectors


class CustomerRows:
    def __init__(self, *, max_rows: int = CACHED_ROWS,
                 max_rows_per_customer: int = ROWS_PER_CUSTOMER) -> None:
        self.max_rows = max_rows
        self.max_rows_per_customer = max_rows_per_customer
        self._entries: OrderedDict[CustomerKey, _Entry] = OrderedDict()
        self._held = 0

    @staticmethod
    def key_of(match: MemoryFilter) -> CustomerKey | None:
        """The one customer a filter is scoped to, if it is."""
        if match.tenant is None or match.customer_id is None:
            return None
        return match.tenant, match.customer_id

    def holds(self, key: CustomerKey, version: int) -> bool:
        entry = self._entries.get(key)
        return entry is not None and entry.version == version

    def lacks(self, version: int, rows: list[dict[str, Any]]) -> bool:
        """Whether, at ``version``, each row's customer is held and holds no row of its uid:
        then the rows are new to the table, not just to this process."""
        for row in rows:
            entry = self._entries.get((row.get("tenant"), row.get("customer_id")))
            if entry is None or entry.version != version or row["uid"] in entry.rows:
                return False
        return True

    def put(self, key: CustomerKey, version: int, rows: list[dict[str, Any]]) -> None:
        if len(rows) > self.max_rows_per_customer:
            return
        self._drop(key)
        self._entries[key] = _Entry(version, {row["uid"]: row for row in rows})
        self._held += len(rows)
        while self._held > self.max_rows and self._entries:
            self._drop(next(iter(self._entries)))

    def select(self, key: CustomerKey, match: MemoryFilter,
               limit: int | None) -> list[dict[str, Any]]:
        entry = self._use(key)
        found = [dict(row) for row in entry.rows.values() if matches(row, match)]
        return found if limit is None else found[:limit]

    def nearest(self, key: CustomerKey, vector: np.ndarray, match: MemoryFilter,
                limit: int) -> list[dict[str, Any]]:
        """Exact cosine ranking, as the table's flat scan: ``_distance`` = 1 - cosine."""
        entry = self._use(key)
        if not entry.rows:
            return []
        query = np.asarray(vector, np.float32)
        query = query / (np.linalg.norm(query) or 1.0)
        distances = 1.0 - entry.unit_vectors() @ query
        ranked = [
            {**row, "_distance": float(distance)}
            for row, distance in zip(entry.rows.values(), distances, strict=True)
            if matches(row, match)
        ]
        ranked.sort(key=lambda row: row["_distance"])
        return ranked[:limit]

    def wrote(self, before: int, after: int, rows: Iterable[dict[str, Any]]) -> None:
        """This process's upsert took the table from ``before`` to ``after``. If nothing else
        committed in between, entries read at ``before`` stay true once ``rows`` are applied;
        otherwise every entry is dropped."""
        if after != before + 1:
            self.clear()
            return
        current = {key: entry for key, entry in self._entries.items()
                   if entry.version == before}
        for key in [key for key in self._entries if key not in current]:
            self._drop(key)
        for entry in current.values():
            entry.version = after
        for row in rows:
            entry = current.get((row.get("tenant"), row.get("customer_id")))
            if entry is not None:
                self._held += entry.add(row)
        for key, entry in current.items():
            if len(entry.rows) > self.max_rows_per_customer:
                self._drop(key)

    def clear(self) -> None:
        self._entries.clear()
        self._held = 0

    def _use(self, key: CustomerKey) -> _Entry:
        self._entries.move_to_end(key)
        return self._entries[key]

    def _drop(self, key: CustomerKey) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._held -= len(entry.rows)
