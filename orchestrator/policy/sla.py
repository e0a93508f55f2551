"""SLA targets: how long the first response and the resolution may take, per priority (and per
tier where the policy says), counted in business hours, and when to warn before a due time.

    [sla]
    warn_before = "30m"
    around_the_clock = ["urgent"]          # these priorities ignore business hours
    first_response = { urgent = "1h", high = "4h", normal = "24h", low = "72h" }
    resolution = { urgent = "8h", high = "1d", normal = "3d", low = "7d" }
    [sla.tiers.enterprise]
    first_response = { urgent = "30m", high = "2h" }
    [sla.business_hours]
    timezone = "Europe/Berlin"
    monday = ["09:00-12:30", "13:30-18:00"]
    holidays = [2026-12-25]
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from orchestrator.policy.hours import AroundTheClock, BusinessHours

Priority = Literal["low", "normal", "high", "urgent"]
Target = Literal["first_response", "resolution"]
TARGETS: tuple[Target, ...] = ("first_response", "resolution")
_PART = re.compile(r"(\d+)\s*([dhms])")
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def parse_duration(value: object) -> object:
    """``"1h30m"``, ``"2d"``, ``"45m"`` -> timedelta; anything else is left to pydantic."""
    if not isinstance(value, str):
        return value
    text = value.strip().lower().replace(" ", "")
    parts = _PART.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"{value!r} is not a duration like '30m', '4h', '1d' or '1h30m'")
    return timedelta(**{_UNITS[unit]: int(number) for number, unit in parts})


Duration = Annotated[timedelta, BeforeValidator(parse_duration), Field(gt=timedelta(0))]


class Targets(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    urgent: Duration | None = None
    high: Duration | None = None
    normal: Duration | None = None
    low: Duration | None = None


class FirstResponseTargets(Targets):
    """A priority not given keeps the built-in target."""

    urgent: Duration | None = timedelta(hours=1)
    high: Duration | None = timedelta(hours=4)
    normal: Duration | None = timedelta(hours=24)
    low: Duration | None = timedelta(hours=72)


class ResolutionTargets(Targets):
    urgent: Duration | None = timedelta(hours=8)
    high: Duration | None = timedelta(days=1)
    normal: Duration | None = timedelta(days=3)
    low: Duration | None = timedelta(days=7)


class TierTargets(BaseModel):
    """A tier's own targets; a priority not given falls back to the section's."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    first_response: Targets = Field(default_factory=Targets)
    resolution: Targets = Field(default_factory=Targets)


class DueTimes(BaseModel):
    first_response: datetime | None
    resolution: datetime | None


class SlaSection(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    first_response: FirstResponseTargets = Field(
        default_factory=FirstResponseTargets,
        description="How long the first agent reply may take, per priority.",
    )
    resolution: ResolutionTargets = Field(
        default_factory=ResolutionTargets,
        description="How long until the ticket is resolved, per priority.",
    )
    tiers: dict[Literal["free", "pro", "enterprise"], TierTargets] = Field(default_factory=dict)
    business_hours: BusinessHours | None = Field(
        default=None, description="When the clock runs; unset: around the clock."
    )
    around_the_clock: list[Priority] = Field(
        default_factory=list, description="Priorities whose clock ignores business hours."
    )
    warn_before: Duration = Field(
        default=timedelta(minutes=30), description="sla.warning this long before a due time."
    )

    def target(self, which: Target, priority: str, tier: str | None) -> timedelta | None:
        own = self.tiers.get(tier) if tier else None  # type: ignore[call-overload]
        chosen = getattr(own, which) if own is not None else None
        value = getattr(chosen, priority, None) if chosen is not None else None
        return value if value is not None else getattr(getattr(self, which), priority)

    def clock(self, priority: str) -> BusinessHours | AroundTheClock:
        if self.business_hours is None or priority in self.around_the_clock:
            return AroundTheClock()
        return self.business_hours

    def due_times(self, priority: str, tier: str | None, opened_at: datetime) -> DueTimes:
        clock = self.clock(priority)
        due = {}
        for which in TARGETS:
            target = self.target(which, priority, tier)
            due[which] = clock.add(opened_at, target) if target is not None else None
        return DueTimes(**due)
