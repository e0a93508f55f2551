"""The in-process session cache: for one process, and the fallback when Redis is away."""

from __future__ import annotations

import copy
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from memory.errors import SessionCustomerMismatch
from memory.models import SessionSnapshot, Turn
from memory.session_cache import Appended, session_from_parts


@dataclass
class _Session:
    turns: deque[Turn]
    expires_at: float
    customer_id: str | None = None
    context: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, tuple[Any, float]] = field(default_factory=dict)
    keys: set[str] = field(default_factory=set)
    """Idempotency keys of the turns appended, kept as long as the session."""


class InProcessSessionCache:
    """Sessions in a dict, least recently written evicted first beyond ``max_sessions``."""

    name = "in-process"

    def __init__(
        self,
        *,
        ttl_seconds: float,
        max_turns: int,
        max_sessions: int = 10_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_turns = max_turns
        self.max_sessions = max_sessions
        self._clock = clock
        self._sessions: OrderedDict[tuple[str, str], _Session] = OrderedDict()

    async def open(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def ping(self) -> bool:
        return True

    def _live(self, tenant: str, session_id: str) -> _Session | None:
        key = (tenant, session_id)
        session = self._sessions.get(key)
        if session is not None and session.expires_at <= self._clock():
            del self._sessions[key]
            return None
        return session

    def _touch(self, tenant: str, session_id: str) -> _Session:
        """The live session (created if missing), its lifetime slid forward."""
        session = self._live(tenant, session_id)
        if session is None:
            session = _Session(turns=deque(maxlen=self.max_turns), expires_at=0.0)
            self._sessions[(tenant, session_id)] = session
            while len(self._sessions) > self.max_sessions:
                self._sessions.popitem(last=False)
        self._sessions.move_to_end((tenant, session_id))
        session.expires_at = self._clock() + self.ttl_seconds
        return session

    async def append_turn(
        self,
        tenant: str,
        session_id: str,
        turn: Turn,
        *,
        customer_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> Appended:
        existing = self._live(tenant, session_id)
        if customer_id and existing and existing.customer_id not in (None, customer_id):
            raise SessionCustomerMismatch(session_id)
        session = self._touch(tenant, session_id)
        session.customer_id = session.customer_id or customer_id
        if idempotency_key:
            if idempotency_key in session.keys:
                return Appended(turns=len(session.turns), created=False)
            session.keys.add(idempotency_key)
        session.turns.append(turn.model_copy())
        return Appended(turns=len(session.turns), created=True)

    async def get(
        self, tenant: str, session_id: str, *, last: int | None = None
    ) -> SessionSnapshot | None:
        session = self._live(tenant, session_id)
        if session is None:
            return None
        now = self._clock()
        for key in [k for k, (_, expires) in session.facts.items() if expires <= now]:
            del session.facts[key]
        turns = list(session.turns)
        if last is not None:
            turns = turns[-last:] if last > 0 else []
        return session_from_parts(
            session_id,
            session.customer_id,
            [turn.model_copy() for turn in turns],
            copy.deepcopy(session.context),
            {key: copy.deepcopy(value) for key, (value, _) in session.facts.items()},
        )

    async def set_context(self, tenant: str, session_id: str, values: dict[str, Any]) -> None:
        session = self._touch(tenant, session_id)
        for key, value in values.items():
            if value is None:
                session.context.pop(key, None)
            else:
                session.context[key] = copy.deepcopy(value)

    async def set_fact(
        self, tenant: str, session_id: str, key: str, value: Any, ttl_seconds: float
    ) -> None:
        session = self._touch(tenant, session_id)
        session.facts[key] = (copy.deepcopy(value), self._clock() + ttl_seconds)

    async def delete_session(self, tenant: str, session_id: str) -> bool:
        existed = self._live(tenant, session_id) is not None
        self._sessions.pop((tenant, session_id), None)
        return existed

    async def delete_customer(self, tenant: str, customer_id: str) -> int:
        doomed = [
            key
            for key, session in self._sessions.items()
            if key[0] == tenant and session.customer_id == customer_id
        ]
        live = 0
        for key in doomed:
            live += self._live(*key) is not None
            self._sessions.pop(key, None)
        return live
