"""Demo customers and tickets that docs and tests can rely on. In an empty store they are
loaded first, so they get the first ids: C-000001.. and T-000001.. in the order listed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any


@dataclass(frozen=True)
class KnownCustomer:
    row: dict[str, Any]
    plan: str
    seats: int
    customer_for: timedelta
    subscription: str = "active"


@dataclass(frozen=True)
class KnownTicket:
    customer: int
    subject: str
    body: str
    category: str
    priority: str
    status: str
    channel: str
    age: timedelta
    assignee: str | None = None
    tags: tuple[str, ...] = ()
    messages: tuple[tuple[str, str, str], ...] = ()
    notes: tuple[tuple[str, str], ...] = ()


def _customer(name, email, phone, company, tier, vip, locale) -> dict[str, Any]:
    return {
        "name": name,
        "email": email,
        "phone": phone,
        "company": company,
        "tier": tier,
        "vip": vip,
        "locale": locale,
    }


WELL_KNOWN_CUSTOMERS = (
    # C-000001: the enterprise VIP whose outage needs a human.
    KnownCustomer(
        _customer(
            "Ada Lovelace",
            "ada@example.com",
            "+44 20 7946 0001",
            "Analytical Engines Ltd",
            "enterprise",
            True,
            "en-GB",
        ),
        "Enterprise",
        250,
        timedelta(days=900),
    ),
    # C-000002: a free-tier customer with a billing question.
    KnownCustomer(
        _customer("Bob Stone", "bob@example.com", "+1 555-0102", None, "free", False, "en-US"),
        "Free",
        1,
        timedelta(days=120),
    ),
    # C-000003: a pro customer whose payment is failing.
    KnownCustomer(
        _customer(
            "Carmen Ortiz",
            "carmen@example.org",
            "+1 555-0103",
            "Ortiz Design Studio",
            "pro",
            False,
            "es-ES",
        ),
        "Pro",
        8,
        timedelta(days=400),
        subscription="past_due",
    ),
    # C-000004: an enterprise customer (not VIP) with an SSO problem.
    KnownCustomer(
        _customer(
            "Dev Patel",
            "dev@example.com",
            None,
            "Northwind Logistics",
            "enterprise",
            False,
            "en-IN",
        ),
        "Enterprise",
        120,
        timedelta(days=700),
    ),
    # C-000005: a VIP on the pro tier (Business plan) who asked for a feature.
    KnownCustomer(
        _customer(
            "Grace Hopper",
            "grace@example.org",
            "+1 555-0105",
            "Compiler Cooperative",
            "pro",
            True,
            "en-US",
        ),
        "Business",
        30,
        timedelta(days=650),
    ),
)

WELL_KNOWN_TICKETS = (
    KnownTicket(  # T-000001
        customer=0,
        subject="API returning 503 for all our integrations",
        body="Hi,\n\nSince 09:40 UTC every call from our integrations to the Tasklane API "
        "fails with 503 Service Unavailable, and our Slack and GitHub sync have stopped. "
        "About 250 people depend on this today.\n\nThis is blocking our whole team right "
        "now.\n\nBest regards,\nAda Lovelace\nAnalytical Engines Ltd",
        category="outages",
        priority="urgent",
        status="open",
        channel="email",
        age=timedelta(hours=2),
        assignee="oncall-tier2",
        tags=("api", "incident", "outages"),
        messages=(
            (
                "agent",
                "liam.okoro",
                "Thanks Ada, we're investigating elevated 503s on the API right now and will "
                "update you within 30 minutes.\n\nLiam, Tasklane Support",
            ),
        ),
        notes=(("liam.okoro", "Matches the API incident opened at 09:45; VIP, keep updated."),),
    ),
    KnownTicket(  # T-000002
        customer=1,
        subject="Charged after I downgraded to Free",
        body="Hello,\n\nI downgraded my workspace to the Free plan last month but my card was "
        "charged $12.00 again on the 3rd. Can I get that refunded?\n\nThanks,\nBob",
        category="billing",
        priority="normal",
        status="new",
        channel="web",
        age=timedelta(hours=5),
        tags=("refund", "billing"),
    ),
    KnownTicket(  # T-000003
        customer=2,
        subject="Card declined on renewal",
        body="Hi there,\n\nOur Pro renewal failed because the company card expired. How do I "
        "switch to the new card without losing access?\n\nThanks,\nCarmen",
        category="billing",
        priority="high",
        status="pending",
        channel="email",
        age=timedelta(days=2),
        assignee="team-billing",
        tags=("payment-failed", "billing"),
        messages=(
            (
                "agent",
                "sofia.rossi",
                "Nothing will be locked for 14 days. Could you confirm the workspace name so "
                "I can retry the payment once the new card is added?\n\nSofia, Tasklane "
                "Support",
            ),
        ),
    ),
    KnownTicket(  # T-000004
        customer=3,
        subject="SSO login loop with Okta",
        body="Hi,\n\nSince we connected Okta, users bounce between Okta and Tasklane and never "
        "get in. We double-checked the certificate.\n\nKind regards,\nDev Patel",
        category="security",
        priority="high",
        status="open",
        channel="web",
        age=timedelta(days=1, hours=3),
        assignee="team-security",
        tags=("sso", "security"),
    ),
    KnownTicket(  # T-000005
        customer=4,
        subject="Feature request: dependencies in the timeline view",
        body="Hello Tasklane team,\n\nWe'd love to draw dependencies between tasks in the "
        "timeline view and export the chart as a PDF.\n\nThank you!\nGrace",
        category="feature-requests",
        priority="low",
        status="resolved",
        channel="chat",
        age=timedelta(days=20),
        assignee="maya.chen",
        tags=("timeline", "feature-requests"),
        messages=(
            (
                "agent",
                "maya.chen",
                "Dependencies are available on Business today; I've "
                "added your vote for PDF export.\n\nMaya, Tasklane Support",
            ),
            ("customer", "Grace Hopper", "Great, that did the trick."),
        ),
    ),
)
