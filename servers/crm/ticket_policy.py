"""What the CRM asks of the team's policy: SLA due times and who gets a ticket.

The policy file (``orchestrator.policy.Policy``) answers these; the CRM only sees this
Protocol. Without one, ``FixedTargets`` keeps the CRM's own first-response targets, no
resolution target, and assigns nobody.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from pydantic import BaseModel

from servers.crm.vocabulary import SLA_BY_PRIORITY


class DueTimes(Protocol):
    first_response: datetime | None
    resolution: datetime | None


class TicketPolicy(Protocol):
    def due_times(self, tenant: str, priority: str, tier: str | None,
                  opened_at: datetime) -> DueTimes: ...

    def warn_before(self, tenant: str) -> timedelta: ...

    def longest_warning(self) -> timedelta: ...

    def group_for(self, tenant: str, category: str) -> str | None: ...

    def members(self, tenant: str, group: str) -> list[str]: ...


class _Due(BaseModel):
    first_response: datetime | None
    resolution: datetime | None


class FixedTargets:
    """First response by priority, around the clock; no resolution target; no groups."""

    def due_times(self, tenant: str, priority: str, tier: str | None,
                  opened_at: datetime) -> DueTimes:
        return _Due(first_response=opened_at + SLA_BY_PRIORITY[priority], resolution=None)

    def warn_before(self, tenant: str) -> timedelta:
        return timedelta(minutes=30)

    def longest_warning(self) -> timedelta:
        return timedelta(minutes=30)

    def group_for(self, tenant: str, category: str) -> str | None:
        return None

    def members(self, tenant: str, group: str) -> list[str]:
        return []
