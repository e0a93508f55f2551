"""The session-cache seam: conversation turns, per-session context, short-lived facts.

Every write slides the session's time-to-live; a session untouched for that long is gone.
A session is bound to a customer by its first turn that names one, so "forget this
customer" can find every session of theirs. Implementations: ``session_local`` (in-process),
``session_redis`` (shared), ``session_resilient`` (Redis with an in-process fallback).
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from memory.models import SessionSnapshot, Turn


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
        self, tenant: str, session_id: str, turn: Turn, *, customer_id: str | None = None
    ) -> int:
        """Add a turn (binding the session to ``customer_id`` if unbound); turns now held.

        Raises ``SessionCustomerMismatch`` when the session belongs to another customer.
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
