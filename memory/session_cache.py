"""The session-cache seam: conversation turns, per-session context, short-lived facts.

Every write slides the session's time-to-live; a session untouched for that long is gone.
A session is bound to a customer by its first turn that names one, so "forget this
customer" can find every session of theirs. A turn may carry an idempotency key: the session
remembers its keys (as long as it lives) and appends a turn with a key it has seen only once.
Implementations: ``session_local`` (in-process), ``session_redis`` (shared),
``session_resilient`` (Redis with an in-process fallback).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from memory.models import SessionSnapshot, Turn


@dataclass(frozen=True, slots=True)
class Appended:
    """What ``append_turn`` did."""

    turns: int
    """Turns the session now holds."""
    created: bool
    """False when the session had already seen the turn's idempotency key: nothing added."""


@runtime_checkable
class SessionCache(Protocol):
    name: str
    """Which backend, for the start-up line and health."""

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def ping(self) -> bool:
        """True when the backend answers."""
        ...

    async def append_turn(
        self,
        tenant: str,
        session_id: str,
        turn: Turn,
        *,
        customer_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> Appended:
        """Add a turn (binding the session to ``customer_id`` if unbound).

        With an ``idempotency_key`` the session has already seen, nothing is added
        (``created`` is False); the check and the append are one atomic step. Keys live as
        long as the session; an empty key is no key. Raises ``SessionCustomerMismatch`` when
        the session belongs to another customer (checked first, repeat or not).
        """
        ...

    async def get(
        self, tenant: str, session_id: str, *, last: int | None = None
    ) -> SessionSnapshot | None:
        """The session with its newest ``last`` turns (all when None), or None."""
        ...

    async def set_context(self, tenant: str, session_id: str, values: dict[str, Any]) -> None:
        """Merge ``values`` into the session context; a None value removes that key."""
        ...

    async def set_fact(
        self, tenant: str, session_id: str, key: str, value: Any, ttl_seconds: float
    ) -> None:
        """Remember ``key`` for ``ttl_seconds`` (at most as long as the session lives)."""
        ...

    async def delete_session(self, tenant: str, session_id: str) -> bool:
        """Remove the session; False when there was none."""
        ...

    async def delete_customer(self, tenant: str, customer_id: str) -> int:
        """Remove every session bound to the customer; how many there were."""
        ...


def session_from_parts(
    session_id: str,
    customer_id: str | None,
    turns: list[Turn],
    context: dict[str, Any],
    facts: dict[str, Any],
) -> SessionSnapshot:
    return SessionSnapshot(
        session_id=session_id,
        customer_id=customer_id or None,
        turns=turns,
        context=context,
        facts=facts,
    )
