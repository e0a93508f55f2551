"""Deterministic demo data: the same seed and clock give the same customers and tickets.

Rows come out as plain dicts keyed by column, linked by list index (``customer``, ``ticket``)
so the loader can bulk-insert them and map indexes to the ids the database hands out.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from servers.crm.demo import people
from servers.crm.demo.scenario import Scenario
from servers.crm.demo.scenarios_commercial import ACCOUNT, BILLING, PLANS
from servers.crm.demo.scenarios_platform import INTEGRATIONS, OUTAGES, SECURITY
from servers.crm.demo.scenarios_product import BUGS, DATA_EXPORT, FEATURE_REQUESTS
from servers.crm.demo.slots import Slots, factories
from servers.crm.demo.well_known import (
    WELL_KNOWN_CUSTOMERS,
    WELL_KNOWN_TICKETS,
    KnownTicket,
)
from servers.crm.vocabulary import PRIORITIES, SLA_BY_PRIORITY

DEFAULT_SEED = 20261120
SCENARIOS: dict[str, tuple[Scenario, ...]] = {
    "billing": BILLING,
    "account": ACCOUNT,
    "bugs": BUGS,
    "integrations": INTEGRATIONS,
    "outages": OUTAGES,
    "security": SECURITY,
    "plans": PLANS,
    "data-export": DATA_EXPORT,
    "feature-requests": FEATURE_REQUESTS,
}
CATEGORY_WEIGHTS = {
    "billing": 16,
    "account": 12,
    "bugs": 18,
    "integrations": 12,
    "outages": 7,
    "security": 8,
    "plans": 8,
    "data-export": 8,
    "feature-requests": 11,
}
TICKETS_PER_TIER = {"free": 1, "pro": 2, "enterprise": 4}
MEAN_AGE_MINUTES = 40 * 24 * 60


@dataclass
class DemoData:
    customers: list[dict[str, Any]] = field(default_factory=list)
    subscriptions: list[dict[str, Any]] = field(default_factory=list)
    tickets: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def money(minor: int, currency: str) -> str:
    """How a customer writes an amount: '$240.00', '€1,050.00', '¥19,600'."""
    sign = people.CURRENCY_SIGN[currency]
    if currency == "JPY":
        return f"{sign}{minor:,}"
    return f"{sign}{minor // 100:,}.{minor % 100:02d}"


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


class _Builder:
    def __init__(self, seed: int, now: datetime) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.data = DemoData()
        self.plans: list[dict[str, Any]] = []  # current subscription per customer index

    # --- customers ----------------------------------------------------------------------

    def add_customer(
        self, customer: dict[str, Any], plan: str, seats: int, status: str | None = None
    ) -> None:
        self.data.customers.append(customer)
        index = len(self.data.customers) - 1
        currency = people.CURRENCY_OF_LOCALE.get(customer["locale"], "USD")
        annual = plan == "Enterprise"
        amount = people.SEAT_PRICE_MINOR[currency][plan] * seats * (12 if annual else 1)
        started = customer["created_at"] + timedelta(days=self.rng.randint(0, 20))
        drawn = self.rng.choices(("active", "trialing", "past_due"), (88, 6, 6))[0]
        status = status or ("active" if plan == "Free" else drawn)
        period = 365 if annual else 30
        renews = self.now.date() + timedelta(days=self.rng.randint(1, period))
        subscription = {
            "customer": index,
            "plan": plan,
            "amount_minor": amount,
            "currency": currency,
            "status": status,
            "renews_on": renews,
            "started_at": started,
        }
        if plan != "Free" and self.rng.random() < 0.2:
            earlier = "Pro" if plan != "Pro" else "Free"
            self.data.subscriptions.append(
                {
                    "customer": index,
                    "plan": earlier,
                    "currency": currency,
                    "amount_minor": people.SEAT_PRICE_MINOR[currency][earlier] * seats,
                    "status": "canceled",
                    "renews_on": None,
                    "started_at": customer["created_at"],
                }
            )
            subscription["started_at"] = started + timedelta(days=self.rng.randint(60, 200))
            subscription["started_at"] = min(subscription["started_at"], self.now)
        self.data.subscriptions.append(subscription)
        self.plans.append(
            {"plan": plan, "seats": seats, "amount": money(amount, currency), "currency": currency}
        )

    def random_customer(self, number: int) -> None:
        rng = self.rng
        first, last = rng.choice(people.FIRST_NAMES), rng.choice(people.LAST_NAMES)
        tier = _pick(rng, people.TIERS)
        vip = rng.random() < {"free": 0.0, "pro": 0.05, "enterprise": 0.3}[tier]
        company = rng.choice(people.COMPANIES) if tier != "free" or rng.random() < 0.4 else None
        locale = _pick(rng, people.LOCALES)
        phone = None
        if rng.random() < 0.7:
            phone = (
                f"+44 20 7946 {rng.randint(0, 999):04d}"
                if locale == "en-GB"
                else f"+1 555-01{rng.randint(0, 99):02d}"
            )
        domain = "example.com" if number % 3 else "example.org"
        self.add_customer(
            {
                "name": f"{first} {last}",
                "email": f"{_ascii(first)}.{_ascii(last)}{number}@{domain}",
                "phone": phone,
                "company": company,
                "tier": tier,
                "vip": vip,
                "locale": locale,
                "created_at": self.now
                - timedelta(days=rng.randint(30, 1000), minutes=rng.randint(0, 1439)),
            },
            plan={"free": "Free", "enterprise": "Enterprise"}.get(tier)
            or rng.choice(("Pro", "Pro", "Business")),
            seats={
                "free": rng.randint(1, 5),
                "pro": rng.randint(3, 40),
                "enterprise": rng.randint(50, 800),
            }[tier],
        )

    # --- tickets ------------------------------------------------------------------------

    def add_ticket(self, customer_index: int, category: str, age: timedelta) -> None:
        """A ticket opened ``age`` ago, its conversation so far, and maybe a note."""
        rng = self.rng
        scenario = rng.choice(SCENARIOS[category])
        priority = rng.choices(PRIORITIES, scenario.priorities)[0]
        created = self.now - age
        status = self._status_for(age)
        slots = self._slots(customer_index, created)
        body = "\n\n".join(
            part
            for part in (
                rng.choice(people.GREETINGS),
                rng.choice(scenario.bodies).format_map(slots),
                rng.choice(people.URGENCY[priority]),
                rng.choice(people.SIGN_OFFS).format_map(slots).strip(),
            )
            if part
        )
        agent = rng.choice(people.AGENTS)
        team = people.TEAM_OF_CATEGORY.get(category) if rng.random() < 0.3 else None
        index = self._ticket(
            customer=customer_index,
            subject=rng.choice(scenario.subjects).format_map(slots),
            body=body,
            channel=rng.choice(scenario.channels),
            status=status,
            priority=priority,
            category=category,
            assignee=None if status == "new" else team or agent,
            tags=list(dict.fromkeys((*scenario.tags, category))),
            created_at=created,
        )
        self._conversation(index, scenario, slots, agent)

    def add_known_ticket(self, known: KnownTicket) -> None:
        created = self.now - known.age
        index = self._ticket(
            customer=known.customer,
            subject=known.subject,
            body=known.body,
            channel=known.channel,
            status=known.status,
            priority=known.priority,
            category=known.category,
            assignee=known.assignee,
            tags=list(known.tags),
            created_at=created,
        )
        at = created
        for author_type, author, body in known.messages:
            at += timedelta(minutes=20)
            self._message(index, author_type, author, body, at)
        for author, body in known.notes:
            at += timedelta(minutes=5)
            self._note(index, author, body, at)

    def _slots(self, customer_index: int, created: datetime) -> Slots:
        customer, plan = self.data.customers[customer_index], self.plans[customer_index]
        first = customer["name"].split(" ")[0]
        fixed = {
            "first": first,
            "name": customer["name"],
            "company": customer["company"] or "",
            "company_line": customer["company"] or "",
            "workspace": customer["company"] or f"{first}'s workspace",
            "plan": plan["plan"],
            "next_plan": people.UPGRADE[plan["plan"]],
            "amount": plan["amount"],
            "seats": str(plan["seats"]),
            "currency": plan["currency"],
        }
        return Slots(self.rng, fixed, factories(created))

    def _status_for(self, age: timedelta) -> str:
        if age < timedelta(days=1):
            return self.rng.choices(("new", "open", "pending"), (5, 4, 1))[0]
        if age < timedelta(days=7):
            return self.rng.choices(("open", "pending", "resolved"), (4, 3, 3))[0]
        return self.rng.choices(("pending", "resolved", "closed"), (1, 12, 7))[0]

    def _conversation(self, index: int, scenario: Scenario, slots: Slots, agent: str) -> None:
        """What was said after the customer wrote in, as far as the ticket's status goes."""
        rng, ticket = self.rng, self.data.tickets[index]
        status, at = ticket["status"], ticket["created_at"]
        signature = f"\n\n{agent.split('.')[0].capitalize()}, Tasklane Support"

        def later() -> datetime:
            return min(at + timedelta(minutes=rng.randint(5, 600)), self.now)

        if status == "new" or (status == "open" and rng.random() < 0.5):
            return
        if status == "pending":
            ask = f"Thanks for reaching out, {slots['first']}. {rng.choice(people.PENDING_ASKS)}"
            at = self._message(index, "agent", agent, ask + signature, later())
        else:
            reply = rng.choice(scenario.replies).format_map(slots)
            at = self._message(index, "agent", agent, reply + signature, later())
            if status in ("resolved", "closed") and rng.random() < 0.6:
                customer = self.data.customers[ticket["customer"]]["name"]
                at = self._message(
                    index, "customer", customer, rng.choice(people.FOLLOW_UPS), later()
                )
        if status in ("resolved", "closed"):
            ticket["resolved_at"] = at
        if scenario.notes and rng.random() < 0.4:
            self._note(index, agent, rng.choice(scenario.notes).format_map(slots), at)

    def _ticket(self, *, priority: str, created_at: datetime, **fields: Any) -> int:
        self.data.tickets.append(
            {
                **fields,
                "priority": priority,
                "sla_due_at": created_at + SLA_BY_PRIORITY[priority],
                "first_response_at": None,
                "resolved_at": None,
                "created_at": created_at,
                "updated_at": created_at,
                "version": 1,
            }
        )
        return len(self.data.tickets) - 1

    def _message(
        self, ticket: int, author_type: str, author: str, body: str, at: datetime
    ) -> datetime:
        self.data.messages.append(
            {
                "ticket": ticket,
                "author_type": author_type,
                "author": author,
                "body": body,
                "created_at": at,
            }
        )
        self.data.tickets[ticket]["updated_at"] = at
        if author_type == "agent":  # the first agent reply stops the first-response clock
            if self.data.tickets[ticket]["first_response_at"] is None:
                self.data.tickets[ticket]["first_response_at"] = at
        return at

    def _note(self, ticket: int, author: str, body: str, at: datetime) -> None:
        self.data.notes.append({"ticket": ticket, "author": author, "body": body, "created_at": at})
        self.data.tickets[ticket]["updated_at"] = at


def generate(
    *, customers: int = 220, tickets: int = 600, seed: int = DEFAULT_SEED, now: datetime
) -> DemoData:
    """``customers`` customers (the well-known ones first) and ``tickets`` tickets."""
    builder = _Builder(seed, now)
    for known in WELL_KNOWN_CUSTOMERS:
        builder.add_customer(
            {**known.row, "created_at": now - known.customer_for},
            plan=known.plan,
            seats=known.seats,
            status=known.subscription,
        )
    for number in range(len(WELL_KNOWN_CUSTOMERS), customers):
        builder.random_customer(number)
    for known in WELL_KNOWN_TICKETS:
        builder.add_known_ticket(known)
    rng, people_so_far = builder.rng, builder.data.customers
    remaining = max(0, tickets - len(WELL_KNOWN_TICKETS))
    weights = [TICKETS_PER_TIER[c["tier"]] for c in people_so_far]
    owners = rng.choices(range(len(people_so_far)), weights, k=remaining)
    kinds = rng.choices(list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values()), k=remaining)
    # Ages skew recent (mean 40 days), never before the customer signed up.
    ages = [
        min(
            timedelta(minutes=rng.expovariate(1 / MEAN_AGE_MINUTES)),
            now - people_so_far[owner]["created_at"],
        )
        for owner in owners
    ]
    # Oldest first, so ids grow with time as in a real help desk.
    for age, owner, category in sorted(zip(ages, owners, kinds, strict=True), reverse=True):
        builder.add_ticket(owner, category, age)
    return builder.data
