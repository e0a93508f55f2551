"""Recent reads for one version of a table: search results of the chunk table, articles and
category counts of the article table.

Help-center traffic repeats itself ("reset my password"), and a LanceDB query has a fixed cost of
about a millisecond per leg however small the table. Reads are keyed by the table version they
were made at, so any write, here or picked up from another process, makes old entries unreachable.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class SearchCache(Generic[Value]):
    """A least-recently-used map that forgets everything when the version moves on."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._version: int | None = None
        self._entries: OrderedDict[Hashable, Value] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, version: int, key: Hashable) -> Value | None:
        if self._is_stale(version):  # a search that read the version before a write landed
            self.misses += 1
            return None
        self._move_to(version)
        value = self._entries.get(key)
        if value is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return value

    def put(self, version: int, key: Hashable, value: Value) -> None:
        """Keep ``value``; a result read at an older version than the latest seen is dropped."""
        if self.size == 0 or self._is_stale(version):
            return
        self._move_to(version)
        self._entries[key] = value
        self._entries.move_to_end(key)
        if len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)

    def _is_stale(self, version: int) -> bool:
        return self._version is not None and version < self._version

    def _move_to(self, version: int) -> None:
        if version != self._version:
            self._entries.clear()
            self._version = version
