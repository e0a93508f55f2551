"""The CRM's closed vocabularies and readable ids: what a value may be, and how ids look."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Literal, get_args

Tier = Literal["free", "pro", "enterprise"]
TicketStatus = Literal["new", "open", "pending", "resolved", "closed"]
Priority = Literal["low", "normal", "high", "urgent"]
Channel = Literal["email", "chat", "web", "phone", "api"]
AuthorType = Literal["customer", "agent"]
SubscriptionStatus = Literal["trialing", "active", "past_due", "canceled"]
# The knowledge base's categories: a ticket and the articles that answer it share one slug.
Category = Literal[
    "billing",
    "account",
    "bugs",
    "integrations",
    "outages",
    "security",
    "plans",
    "data-export",
    "feature-requests",
]

TIERS: tuple[str, ...] = get_args(Tier)
STATUSES: tuple[str, ...] = get_args(TicketStatus)
PRIORITIES: tuple[str, ...] = get_args(Priority)
CATEGORIES: tuple[str, ...] = get_args(Category)
OPEN_STATUSES = ("new", "open", "pending")

# How long the first response may take, by priority.
SLA_BY_PRIORITY: dict[str, timedelta] = {
    "urgent": timedelta(hours=1),
    "high": timedelta(hours=4),
    "normal": timedelta(hours=24),
    "low": timedelta(hours=72),
}

CUSTOMER, TICKET, MESSAGE, NOTE, SUBSCRIPTION = "C", "T", "M", "N", "S"
_ID = re.compile(r"^([A-Z])-(\d{1,12})$")


def format_id(prefix: str, number: int) -> str:
    """``("T", 42)`` -> ``"T-000042"``: short, sortable by eye, easy to read out on a call."""
    return f"{prefix}-{number:06d}"


def parse_id(prefix: str, value: str) -> int | None:
    """The row number behind a readable id, or None when it is not an id of that kind."""
    match = _ID.match(value)
    if match is None or match.group(1) != prefix:
        return None
    return int(match.group(2))


def id_pattern(prefix: str) -> str:
    return rf"^{prefix}-\d{{1,12}}$"


# Minor units per currency: amounts are stored as whole minor units, so they stay exact.
CURRENCY_EXPONENT = {"USD": 2, "EUR": 2, "GBP": 2, "CHF": 2, "JPY": 0}
