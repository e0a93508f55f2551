"""One base error for the memory tiers; messages name the field and are safe to show."""

from __future__ import annotations


class MemoryTierError(Exception):
    """Base error of the memory library; the message is written for the caller."""


class NotFound(MemoryTierError):
    """No such memory or session for this tenant (another tenant's ids are not found either)."""


class SessionCustomerMismatch(MemoryTierError):
    def __init__(self, session_id: str) -> None:
        super().__init__(
            f"customer_id: session {session_id!r} already belongs to another customer"
        )
        self.session_id = session_id


class BackendUnavailable(MemoryTierError):
    """A remote backend (Redis) did not answer; callers may fall back to a local tier."""
