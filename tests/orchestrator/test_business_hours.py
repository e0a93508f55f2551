"""Business-hours SLA arithmetic: due times land in business time, and the business time from
the start to the due time is the target — in any zone, across DST changes and holidays."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from orchestrator.policy.hours import WEEKDAYS, BusinessHours
from orchestrator.policy.sla import SlaSection

ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe",
         "America/Sao_Paulo"]


@st.composite
def day_periods(draw) -> list[str]:
    marks = sorted(set(draw(st.lists(st.integers(0, 96), max_size=6))))
    if len(marks) % 2:
        marks = marks[:-1]
    return [f"{a // 4:02d}:{a % 4 * 15:02d}-{b // 4:02d}:{b % 4 * 15:02d}"
            for a, b in zip(marks[::2], marks[1::2], strict=True)]


@st.composite
def business_hours(draw) -> BusinessHours:
    week = {day: draw(day_periods()) for day in WEEKDAYS}
    if not any(week.values()):
        week["wednesday"] = ["10:00-11:00"]
    holidays = draw(st.lists(st.dates(date(2026, 1, 1), date(2027, 12, 31)), max_size=20))
    return BusinessHours(timezone=draw(st.sampled_from(ZONES)), holidays=holidays, **week)


starts = st.datetimes(datetime(2026, 1, 1), datetime(2027, 12, 31), timezones=st.just(UTC))
durations = st.integers(1, 300 * 60).map(lambda minutes: timedelta(minutes=minutes))


def inside(hours: BusinessHours, moment: datetime) -> bool:
    for opens, closes in hours.periods(moment - timedelta(days=2)):
        if opens > moment:
            return False
        if opens <= moment <= closes:
            return True
    return False


@settings(max_examples=150, deadline=None)
@given(business_hours(), starts, durations)
def test_the_business_time_until_the_due_time_is_the_target(hours, start, target):
    due = hours.add(start, target)
    assert due > start
    assert hours.elapsed(start, due) == target


@settings(max_examples=150, deadline=None)
@given(business_hours(), starts, durations)
def test_a_due_time_falls_in_business_hours(hours, start, target):
    due = hours.add(start, target)
    assert inside(hours, due)
    assert due.astimezone(hours_zone(hours)).date() not in set(hours.holidays)


@settings(max_examples=100, deadline=None)
@given(business_hours(), starts, durations, durations)
def test_a_longer_target_is_never_due_sooner(hours, start, a, b):
    short, long = sorted((a, b))
    assert hours.add(start, short) <= hours.add(start, long)


def hours_zone(hours: BusinessHours):
    from zoneinfo import ZoneInfo
    return ZoneInfo(hours.timezone)


BERLIN = BusinessHours(timezone="Europe/Berlin", monday=["09:00-12:30", "13:30-18:00"],
                       tuesday=["09:00-12:30", "13:30-18:00"], wednesday=["09:00-17:00"],
                       thursday=["09:00-17:00"], friday=["09:00-15:00"],
                       holidays=[date(2026, 12, 25)])


def test_friday_evening_is_due_on_monday_morning_in_local_time():
    friday_evening = datetime(2026, 12, 4, 17, 0, tzinfo=UTC)  # 18:00 in Berlin
    assert BERLIN.add(friday_evening, timedelta(hours=2)) == datetime(2026, 12, 7, 10, 0,
                                                                       tzinfo=UTC)


def test_the_lunch_break_does_not_count():
    monday_noon = datetime(2026, 12, 7, 11, 0, tzinfo=UTC)  # 12:00 in Berlin
    # 30 minutes before lunch, the break, then 30 minutes after: 14:00 Berlin.
    assert BERLIN.add(monday_noon, timedelta(hours=1)) == datetime(2026, 12, 7, 13, 0, tzinfo=UTC)


def test_a_holiday_is_skipped():
    christmas_eve = datetime(2026, 12, 24, 15, 0, tzinfo=UTC)  # Thursday 16:00 in Berlin
    # One hour left on Thursday, Friday the 25th is a holiday, then Monday 09:00 + 1h.
    assert BERLIN.add(christmas_eve, timedelta(hours=2)) == datetime(2026, 12, 28, 9, 0,
                                                                      tzinfo=UTC)


def test_the_clock_follows_local_time_across_a_dst_change():
    friday = datetime(2026, 3, 27, 13, 0, tzinfo=UTC)  # 14:00 CET, summer time from Sunday
    # One hour on Friday, then Monday 09:00 CEST is 07:00 UTC.
    assert BERLIN.add(friday, timedelta(hours=2)) == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)


def test_urgent_can_run_around_the_clock_while_others_wait_for_business_hours():
    sla = SlaSection(business_hours=BERLIN, around_the_clock=["urgent"])
    saturday = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
    assert sla.due_times("urgent", None, saturday).first_response == saturday + timedelta(hours=1)
    # Four business hours from Monday 09:00 Berlin, around the lunch break: 14:00 Berlin.
    assert sla.due_times("high", None, saturday).first_response == datetime(
        2026, 12, 7, 13, 0, tzinfo=UTC)


def test_a_tier_target_overrides_only_what_it_names():
    sla = SlaSection.model_validate({"tiers": {"enterprise": {"first_response": {"high": "1h"}}}})
    opened = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    assert sla.due_times("high", "enterprise", opened).first_response == opened + timedelta(hours=1)
    assert sla.due_times("urgent", "enterprise", opened).first_response == opened + timedelta(
        hours=1)
    assert sla.due_times("high", "pro", opened).first_response == opened + timedelta(hours=4)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("monday", ["17:00-09:00"], "ends after it starts"),
    ("monday", ["09:00-12:00", "11:00-13:00"], "overlap"),
    ("monday", ["9-5"], "not a period"),
    ("timezone", "Mars/Olympus", "not a known time zone"),
])
def test_bad_business_hours_are_refused_naming_the_problem(field, value, message):
    with pytest.raises(ValidationError, match=message):
        BusinessHours(**{"tuesday": ["09:00-17:00"], field: value})


def test_a_week_without_hours_is_refused():
    with pytest.raises(ValidationError, match="at least one period"):
        BusinessHours()
