"""Business hours: when the SLA clock runs. Periods per weekday in a time zone, and holidays.

``add(start, duration)`` is the moment ``duration`` of business time after ``start``;
``elapsed(start, end)`` is the business time between two moments. Both walk the same periods
(local times made aware in the zone, compared in UTC), so ``elapsed(s, add(s, d)) == d``.
Without business hours the clock runs around the clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_PERIOD = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


def parse_period(text: str) -> tuple[time, time | None]:
    """``"09:00-17:30"`` -> (09:00, 17:30); an end of ``24:00`` is midnight (None)."""
    match = _PERIOD.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a period like '09:00-17:30'")
    start = time(int(match.group(1)), int(match.group(2)))
    end_hour, end_minute = int(match.group(3)), int(match.group(4))
    if end_hour == 24 and end_minute:
        raise ValueError(f"{text!r}: a period ends at 24:00 at the latest")
    end = None if end_hour == 24 else time(end_hour, end_minute)
    if end is not None and end <= start:
        raise ValueError(f"{text!r}: a period ends after it starts")
    return start, end


class BusinessHours(BaseModel):
    """Working periods per weekday in ``timezone``; holidays have none."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    timezone: str = Field(default="UTC", description="IANA zone, e.g. 'Europe/Berlin'.")
    monday: list[str] = Field(default_factory=list, description="Periods, e.g. ['09:00-17:00'].")
    tuesday: list[str] = Field(default_factory=list)
    wednesday: list[str] = Field(default_factory=list)
    thursday: list[str] = Field(default_factory=list)
    friday: list[str] = Field(default_factory=list)
    saturday: list[str] = Field(default_factory=list)
    sunday: list[str] = Field(default_factory=list)
    holidays: list[date] = Field(default_factory=list, description="Days with no business hours.")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a known time zone") from None
        return value

    @field_validator(*WEEKDAYS)
    @classmethod
    def _periods_in_order(cls, value: list[str]) -> list[str]:
        periods = sorted(parse_period(text) for text in value)
        for (_, end), (next_start, _) in zip(periods, periods[1:], strict=False):
            if end is None or next_start < end:
                raise ValueError(f"periods {value} overlap")
        return value

    @model_validator(mode="after")
    def _some_hours(self) -> BusinessHours:
        if not any(getattr(self, day) for day in WEEKDAYS):
            raise ValueError("business hours need at least one period in the week")
        return self

    def periods(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Business periods (UTC) from the local day of ``start`` on, in order, without end
        (every week has a period, and holidays are finitely many)."""
        zone = ZoneInfo(self.timezone)
        day = start.astimezone(zone).date()
        holidays = set(self.holidays)
        while True:
            if day not in holidays:
                today = getattr(self, WEEKDAYS[day.weekday()])
                for begin, end in sorted(parse_period(text) for text in today):
                    opens = datetime.combine(day, begin, tzinfo=zone).astimezone(UTC)
                    closes = (datetime.combine(day, end, tzinfo=zone) if end is not None else
                              datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
                              ).astimezone(UTC)
                    if closes > opens:
                        yield opens, closes
            day += timedelta(days=1)

    def add(self, start: datetime, duration: timedelta) -> datetime:
        remaining = duration
        for opens, closes in self.periods(start):
            begin = max(opens, start)
            if begin >= closes:
                continue
            if remaining <= closes - begin:
                return begin + remaining
            remaining -= closes - begin
        raise AssertionError("unreachable: periods() has no end")

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        total = timedelta()
        if end <= start:
            return total
        for opens, closes in self.periods(start):
            if opens >= end:
                return total
            total += max(timedelta(), min(closes, end) - max(opens, start))
        return total


class AroundTheClock:
    """No business hours: every moment counts."""

    def add(self, start: datetime, duration: timedelta) -> datetime:
        return start + duration

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        return max(timedelta(), end - start)
