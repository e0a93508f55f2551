"""Redis first, the in-process cache when Redis is away, and back again when it returns.

Every write is mirrored into the local tier, so during an outage this process still answers
with what it has seen. Writes made during the outage are journalled and replayed into Redis
(in order, deletions included) once Redis answers again; only then does the cache leave
degraded mode. The switch is logged once each way and shown by ``health()``.

A replayed write may reach Redis more than once: a reply lost to a timeout leaves it at the
head of the journal, and a write whose first attempt timed out is journalled although Redis
may have applied it. So every turn goes to Redis with an idempotency key (the caller's, else
one made from the turn's id) and a repeat appends nothing. One replay runs at a time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from memory.errors import BackendUnavailable
from memory.models import SessionSnapshot, Turn
from memory.session_cache import Appended, SessionCache

logger = logging.getLogger(__name__)

# Writes kept for replay during one outage; beyond this the oldest are dropped (and logged).
JOURNAL_LIMIT = 10_000
MISSED = object()


@dataclass(frozen=True, slots=True)
class CacheHealth:
    backend: str
    degraded: bool
    detail: str


class ResilientSessionCache:
    name = "redis+in-process"

    def __init__(
        self,
        primary: SessionCache,
        fallback: SessionCache,
        *,
        retry_seconds: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.primary = primary
        self.fallback = fallback
        self.retry_seconds = retry_seconds
        self._clock = clock
        self._degraded = False
        self._last_probe = 0.0
        self._journal: deque[tuple[str, tuple, dict]] = deque(maxlen=JOURNAL_LIMIT)
        self._dropped = 0
        self._replaying = asyncio.Lock()

    async def open(self) -> None:
        await self.fallback.open()
        await self.primary.open()
        if not await self.primary.ping():
            self._enter_degraded("redis did not answer at start-up")

    async def close(self) -> None:
        await self.primary.close()
        await self.fallback.close()

    @property
    def degraded(self) -> bool:
        return self._degraded

    async def ping(self) -> bool:
        return await self.fallback.ping()

    async def health(self) -> CacheHealth:
        """Probes Redis, so a health check alone notices it leaving and coming back."""
        if self._degraded:
            await self._maybe_recover(force=True)
        elif not await self.primary.ping():
            self._enter_degraded("redis did not answer a health check")
        if self._degraded:
            return CacheHealth(
                "in-process", True, "redis unreachable; answering from the in-process cache"
            )
        return CacheHealth("redis", False, "redis answering")

    def _enter_degraded(self, why: str) -> None:
        if not self._degraded:
            logger.warning("session cache degraded (%s): answering from the in-process cache", why)
        self._degraded = True
        self._last_probe = self._clock()

    async def _maybe_recover(self, *, force: bool = False) -> None:
        if not self._degraded:
            return
        if not force and self._clock() - self._last_probe < self.retry_seconds:
            return
        if self._replaying.locked():  # another caller is replaying: answer locally meanwhile
            return
        async with self._replaying:
            await self._replay()

    async def _replay(self) -> None:
        """Drain the journal into Redis in order; leave degraded mode once it is empty."""
        self._last_probe = self._clock()
        if not await self.primary.ping():
            return
        try:
            while self._journal:
                method, args, kwargs = self._journal[0]
                await getattr(self.primary, method)(*args, **kwargs)
                self._journal.popleft()
        except BackendUnavailable:
            return
        except Exception:  # a replayed write the primary rejects: log it, don't loop on it
            logger.exception("dropping a session write that redis rejected on replay")
            self._journal.popleft()
            return
        self._degraded = False
        lost = f"; {self._dropped} older writes were not kept" if self._dropped else ""
        logger.warning("session cache recovered: redis answering again%s", lost)
        self._dropped = 0

    async def _on_primary(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """The primary's answer, or MISSED when Redis is (or has just gone) away."""
        await self._maybe_recover()
        if self._degraded:
            return MISSED
        try:
            return await getattr(self.primary, method)(*args, **kwargs)
        except BackendUnavailable as error:
            self._enter_degraded(str(error))
            return MISSED

    async def _write(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """Mirror into the local tier, then Redis; journal the write while Redis is away."""
        local = await getattr(self.fallback, method)(*args, **kwargs)
        remote = await self._on_primary(method, *args, **kwargs)
        if remote is not MISSED:
            return remote
        if method == "append_turn" and kwargs.get("customer_id") is None:
            # Redis may come back empty: replay the binding the local tier knows of.
            snapshot = await self.fallback.get(args[0], args[1], last=0)
            kwargs = {**kwargs, "customer_id": snapshot.customer_id if snapshot else None}
        if len(self._journal) == self._journal.maxlen:
            self._dropped += 1
        self._journal.append((method, args, kwargs))
        return local

    async def _read(self, method: str, *args: Any, **kwargs: Any) -> Any:
        remote = await self._on_primary(method, *args, **kwargs)
        if remote is not MISSED:
            return remote
        return await getattr(self.fallback, method)(*args, **kwargs)

    async def append_turn(
        self,
        tenant: str,
        session_id: str,
        turn: Turn,
        *,
        customer_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> Appended:
        # Always keyed, so neither a retry after a lost reply nor a replay appends it twice.
        key = idempotency_key or f"turn:{turn.id}"
        # Redis is the authority on which customer a session belongs to: ask it first, so a
        # mismatch is refused before the mirror changes.
        held = await self._on_primary(
            "append_turn", tenant, session_id, turn, customer_id=customer_id,
            idempotency_key=key,
        )
        if held is MISSED:
            return await self._write("append_turn", tenant, session_id, turn,
                                     customer_id=customer_id, idempotency_key=key)
        try:
            await self.fallback.append_turn(tenant, session_id, turn, customer_id=customer_id,
                                            idempotency_key=key)
        except Exception:  # the mirror is best effort: Redis already holds the truth
            logger.debug("in-process mirror diverged from redis", exc_info=True)
        return held

    async def get(
        self, tenant: str, session_id: str, *, last: int | None = None
    ) -> SessionSnapshot | None:
        return await self._read("get", tenant, session_id, last=last)

    async def set_context(self, tenant: str, session_id: str, values: dict[str, Any]) -> None:
        await self._write("set_context", tenant, session_id, values)

    async def set_fact(
        self, tenant: str, session_id: str, key: str, value: Any, ttl_seconds: float
    ) -> None:
        await self._write("set_fact", tenant, session_id, key, value, ttl_seconds)

    async def delete_session(self, tenant: str, session_id: str) -> bool:
        return await self._write("delete_session", tenant, session_id)

    async def delete_customer(self, tenant: str, customer_id: str) -> int:
        return await self._write("delete_customer", tenant, customer_id)
