"""Long-term memory as a LangGraph ``BaseStore``, so graph nodes can use ``runtime.store``.

Items live in the same LanceDB table as the memory server's memories: the namespace
``(tenant, customer_id, "memories")`` holds what ``remember`` wrote, and an item put there is
recalled by the server. Values are JSON; the text embedded for search is the ``index`` paths
given to ``put`` (the ``content`` field by default, else the whole value). TTLs are in
minutes, as in LangGraph, and slide on read unless ``refresh_ttl=False``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import numpy as np
from langgraph.store.base import (
    BaseStore,
    GetOp,
    Item,
    ListNamespacesOp,
    MatchCondition,
    Op,
    PutOp,
    Result,
    SearchItem,
    SearchOp,
    TTLConfig,
    validate_op_namespace,
)
from langgraph.store.base.embed import get_text_at_path

from memory.long_term import LongTermMemory, similarity
from memory.vector_store import (
    MemoryTable,
    join_namespace,
    live_sql,
    quote,
    row_uid,
    split_namespace,
)

# How many more candidates a filtered search fetches, since filters apply after ranking.
FILTER_OVERFETCH = 10


class LongTermStore(BaseStore):
    supports_ttl = True

    def __init__(self, memory: LongTermMemory, *, ttl_config: TTLConfig | None = None) -> None:
        self.memory = memory
        self.ttl_config = ttl_config
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def table(self) -> MemoryTable:
        """The LanceDB table itself: namespaces, paging and TTL refreshes are SQL here."""
        table = self.memory.table
        if not isinstance(table, MemoryTable):
            raise TypeError("the LangGraph store needs long-term memory on LanceDB")
        return table

    def batch(self, ops: Iterable[Op]) -> list[Result]:
        """For sync graph nodes, which LangGraph runs in worker threads."""
        loop = self._loop
        if loop is None or loop.is_closed() or not loop.is_running():
            return asyncio.run(self._execute(ops))
        try:
            if asyncio.get_running_loop() is self._loop:
                raise asyncio.InvalidStateError(
                    "LongTermStore.batch was called on its event loop; use abatch (aget, "
                    "aput, asearch) from async code"
                )
        except RuntimeError:  # no loop in this thread: the expected case
            pass
        return asyncio.run_coroutine_threadsafe(self._execute(ops), loop).result()

    async def abatch(self, ops: Iterable[Op]) -> list[Result]:
        # Remembered so sync callers in worker threads can hand their ops to this loop.
        self._loop = asyncio.get_running_loop()
        return await self._execute(ops)

    async def _execute(self, ops: Iterable[Op]) -> list[Result]:
        results: list[Result] = []
        for op in ops:
            validate_op_namespace(op)
            if isinstance(op, GetOp):
                results.append(await self._get(op))
            elif isinstance(op, PutOp):
                await self._put(op)
                results.append(None)
            elif isinstance(op, SearchOp):
                results.append(await self._search(op))
            elif isinstance(op, ListNamespacesOp):
                results.append(await self._list_namespaces(op))
            else:
                raise TypeError(f"unknown store operation {type(op).__name__}")
        return results

    async def _get(self, op: GetOp) -> Item | None:
        uid = row_uid(op.namespace, op.key)
        rows = await self.table.rows(
            f"uid = {quote(uid)} AND {live_sql(self.memory.now_ms())}", limit=1
        )
        if not rows:
            return None
        if op.refresh_ttl:
            await self._refresh([uid])
        return _item(rows[0])

    async def _put(self, op: PutOp) -> None:
        uid = row_uid(op.namespace, op.key)
        if op.value is None:
            async with self.table.write_lock:
                await self.table.delete(f"uid = {quote(uid)}")
            return
        value = dict(op.value)
        text = _text_of(value, op.index)
        vector = (
            (await self.memory.embed([text]))[0]
            if text
            else np.zeros(self.memory.embedder.dim, np.float32)
        )
        now = datetime.now(UTC)
        ttl_seconds = op.ttl * 60 if op.ttl is not None else None
        namespace = op.namespace
        async with self.memory.turns.hold(uid), self.table.write_lock:
            old = await self.table.rows(
                f"uid = {quote(uid)}", limit=1, columns=["created_at", "mentions"]
            )
            await self.table.upsert(
                [
                    {
                        "uid": uid,
                        "id": op.key,
                        "namespace": join_namespace(namespace),
                        "tenant": namespace[0],
                        "customer_id": namespace[1] if len(namespace) > 1 else "",
                        "kind": str(value.get("kind", "fact")),
                        "content": text or json.dumps(value, sort_keys=True),
                        "value_json": json.dumps(value),
                        "source": str(value.get("source", "store")),
                        "content_hashes": [],
                        "created_at": old[0]["created_at"] if old else now,
                        "updated_at": now,
                        "expires_ms": None
                        if ttl_seconds is None
                        else self.memory.now_ms() + int(ttl_seconds * 1000),
                        "ttl_seconds": ttl_seconds,
                        "mentions": old[0]["mentions"] if old else 1,
                        "indexed": bool(text),
                        "vector": vector,
                    }
                ]
            )

    async def _search(self, op: SearchOp) -> list[SearchItem]:
        where = f"{live_sql(self.memory.now_ms())}{_prefix_sql(op.namespace_prefix)}"
        wanted = op.offset + op.limit
        fetch = wanted * FILTER_OVERFETCH if op.filter else wanted
        if op.query:
            vector = (await self.memory.embed([op.query]))[0]
            rows = await self.table.nearest(
                vector, f"{where} AND indexed = true", fetch, exact=False
            )
            scored = [(row, similarity(row)) for row in rows]
        else:
            rows = await self.table.rows(where)
            rows.sort(key=lambda row: row["updated_at"], reverse=True)
            scored = [(row, None) for row in rows]
        if op.filter:
            scored = [
                (row, s) for row, s in scored if _matches(json.loads(row["value_json"]), op.filter)
            ]
        page = scored[op.offset : wanted]
        if op.refresh_ttl and page:
            await self._refresh([row["uid"] for row, _ in page])
        return [
            SearchItem(
                namespace=split_namespace(row["namespace"]),
                key=row["id"],
                value=json.loads(row["value_json"]),
                created_at=row["created_at"],
                updated_at=row["updated_at"],
                score=score,
            )
            for row, score in page
        ]

    async def _list_namespaces(self, op: ListNamespacesOp) -> list[tuple[str, ...]]:
        rows = await self.table.rows(live_sql(self.memory.now_ms()), columns=["namespace"])
        found: set[tuple[str, ...]] = set()
        for row in rows:
            namespace = split_namespace(row["namespace"])
            if all(_namespace_matches(namespace, c) for c in op.match_conditions or ()):
                found.add(namespace[: op.max_depth] if op.max_depth else namespace)
        return sorted(found)[op.offset : op.offset + op.limit]

    async def _refresh(self, uids: list[str]) -> None:
        """Slide the expiry of items that were put with a TTL."""
        listed = ", ".join(map(quote, uids))
        async with self.table.write_lock:
            await self.table.update_sql(
                f"uid IN ({listed}) AND ttl_seconds IS NOT NULL",
                {"expires_ms": f"{self.memory.now_ms()} + CAST(ttl_seconds * 1000 AS BIGINT)"},
            )


def _item(row: dict[str, Any]) -> Item:
    return Item(
        value=json.loads(row["value_json"]),
        key=row["id"],
        namespace=split_namespace(row["namespace"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _text_of(value: dict[str, Any], index: Any) -> str:
    """What to embed: the ``index`` paths, else ``content``, else the whole value."""
    if index is False:
        return ""
    if isinstance(index, list):
        return "\n".join(text for path in index for text in get_text_at_path(value, path))
    if isinstance(value.get("content"), str):
        return value["content"]
    return json.dumps(value, sort_keys=True)


def _prefix_sql(prefix: tuple[str, ...]) -> str:
    if not prefix:
        return ""
    joined = quote(join_namespace(prefix))
    dotted = quote(join_namespace(prefix) + ".")
    return f" AND (namespace = {joined} OR starts_with(namespace, {dotted}))"


def _namespace_matches(namespace: tuple[str, ...], condition: MatchCondition) -> bool:
    path = tuple(condition.path)
    if not path:
        return True
    if len(path) > len(namespace):
        return False
    part = namespace[: len(path)] if condition.match_type == "prefix" else namespace[-len(path) :]
    return all(want in ("*", have) for want, have in zip(path, part, strict=True))


_OPERATORS = {
    "$eq": lambda a, b: a == b,
    "$ne": lambda a, b: a != b,
    "$gt": lambda a, b: a is not None and a > b,
    "$gte": lambda a, b: a is not None and a >= b,
    "$lt": lambda a, b: a is not None and a < b,
    "$lte": lambda a, b: a is not None and a <= b,
}


def _matches(value: dict[str, Any], conditions: dict[str, Any]) -> bool:
    for key, wanted in conditions.items():
        have = value.get(key)
        if isinstance(wanted, dict) and wanted and all(op in _OPERATORS for op in wanted):
            if not all(_OPERATORS[op](have, arg) for op, arg in wanted.items()):
                return False
        elif have != wanted:
            return False
    return True
