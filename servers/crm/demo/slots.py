"""Values for the ``{slots}`` in scenario templates, drawn on demand from the ticket's RNG."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

APPS = ("iPhone app", "Android app", "Windows desktop app", "Mac app", "web app", "iPad app")
BROWSERS = ("Chrome", "Firefox", "Safari", "Edge")
SYSTEMS = ("Windows 11", "macOS Sonoma", "macOS Sequoia", "Ubuntu 24.04", "Windows 10")
INTEGRATIONS = ("Slack", "GitHub", "Google Calendar", "Zapier", "Microsoft Teams", "Jira")
PROJECTS = (
    "Website relaunch",
    "Q3 marketing plan",
    "Warehouse move",
    "Mobile app v2",
    "Onboarding revamp",
    "Hiring pipeline",
    "Spring catalogue",
    "Customer portal",
    "Office fit-out",
    "Data platform migration",
    "Conference 2026",
    "Brand refresh",
)
CARDS = ("Visa", "Mastercard", "Amex", "company card")
FILE_TYPES = ("PDF", "PNG", "Excel", "Word", "ZIP", "video")
ERRORS = ("500", "502", "503", "504", "429", "401", "ERR_SYNC_409", "ERR_UPLOAD_413")
IDPS = ("Okta", "Azure AD", "Google Workspace", "OneLogin", "JumpCloud")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


class Slots(dict):
    """A mapping that invents each slot the first time a template asks for it."""

    def __init__(
        self,
        rng: random.Random,
        fixed: dict[str, str],
        factories: dict[str, Callable[[random.Random], str]],
    ) -> None:
        super().__init__(fixed)
        self._rng = rng
        self._factories = factories

    def __missing__(self, key: str) -> str:
        value = self._factories[key](self._rng)
        self[key] = value
        return value


def _day(moment: datetime) -> str:
    return f"{moment.day} {moment:%B}"


def factories(created_at: datetime) -> dict[str, Callable[[random.Random], str]]:
    """Slot makers for a ticket opened at ``created_at`` (dates mentioned lie before it)."""
    return {
        "app": lambda r: r.choice(APPS),
        "browser": lambda r: r.choice(BROWSERS),
        "os": lambda r: r.choice(SYSTEMS),
        "integration": lambda r: r.choice(INTEGRATIONS),
        "project": lambda r: r.choice(PROJECTS),
        "card": lambda r: r.choice(CARDS),
        "file_type": lambda r: r.choice(FILE_TYPES),
        "error": lambda r: r.choice(ERRORS),
        "idp": lambda r: r.choice(IDPS),
        "weekday": lambda r: r.choice(WEEKDAYS),
        "count": lambda r: str(r.randint(3, 40)),
        "size": lambda r: str(r.choice((12, 25, 48, 80, 150, 300))),
        "minutes": lambda r: str(r.choice((10, 15, 20, 30, 45))),
        "seats_added": lambda r: str(r.randint(2, 15)),
        "date": lambda r: _day(created_at - timedelta(days=r.randint(1, 12))),
        "time": lambda r: f"{r.randint(7, 18):02d}:{r.choice((0, 10, 15, 30, 45, 50)):02d}",
        "vat": lambda r: f"{r.choice(('GB', 'DE', 'FR', 'NL', 'IE'))}{r.randint(10**8, 10**9 - 1)}",
        "ref": lambda r: f"{r.randint(100000, 999999)}",
    }
