"""Finding customers and listing tickets: filters, and keyset pages that never skip or repeat."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from servers.crm.errors import InvalidInput
from servers.crm.inputs import (
    CustomerFilters,
    NewCustomer,
    NewTicket,
    TicketChanges,
    TicketFilters,
)

CATEGORIES = ("billing", "bugs", "outages")
PRIORITIES = ("low", "normal", "high", "urgent")


@pytest.fixture
async def tickets(crm, tenant, customer):
    """25 tickets one second apart; every third assigned to 'maya', every fifth open."""
    made = []
    for n in range(25):
        ticket = (await crm.create_ticket(tenant, "a", NewTicket(
            customer_id=customer.id, subject=f"Ticket {n}", body="b",
            category=CATEGORIES[n % 3], priority=PRIORITIES[n % 4],
            assignee="maya" if n % 3 == 0 else None))).ticket
        if n % 5 == 0:
            ticket = (await crm.update_ticket(
                tenant, "a", ticket.id, 1, TicketChanges(status="open"))).ticket
        made.append(ticket)
    return made


async def all_pages(crm, tenant, filters=None, limit=7):
    seen, cursor = [], None
    while True:
        page = await crm.list_tickets(tenant, filters, cursor=cursor, limit=limit)
        seen.extend(page.tickets)
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor


async def test_pages_cover_every_ticket_once_newest_first(crm, tenant, tickets):
    listed = await all_pages(crm, tenant)
    assert [t.id for t in listed] == [t.id for t in reversed(tickets)]


async def test_a_ticket_opened_between_pages_is_neither_skipped_nor_repeated(
    crm, tenant, customer, tickets
):
    first = await crm.list_tickets(tenant, limit=10)
    await crm.create_ticket(tenant, "a", NewTicket(
        customer_id=customer.id, subject="Late", body="b", category="bugs"))
    rest = await crm.list_tickets(tenant, cursor=first.next_cursor, limit=100)
    ids = [t.id for t in first.tickets + rest.tickets]
    assert ids == [t.id for t in reversed(tickets)]


async def test_tickets_opened_in_the_same_instant_page_by_id(frozen_crm, tenant):
    owner = (await frozen_crm.create_customer(
        tenant, "t", NewCustomer(name="T", email="t@example.org")
    )).customer
    made = [
        (await frozen_crm.create_ticket(tenant, "a", NewTicket(
            customer_id=owner.id, subject=str(n), body="b", category="bugs"))).ticket.id
        for n in range(9)
    ]
    assert [t.id for t in await all_pages(frozen_crm, tenant, limit=2)] == made[::-1]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (TicketFilters(status=["open"]), lambda n: n % 5 == 0),
        (TicketFilters(status=["new", "open"]), lambda n: True),
        (TicketFilters(priority=["urgent", "low"]), lambda n: n % 4 in (0, 3)),
        (TicketFilters(category="outages"), lambda n: n % 3 == 2),
        (TicketFilters(assignee="maya"), lambda n: n % 3 == 0),
        (TicketFilters(assignee=""), lambda n: n % 3 != 0),
        (TicketFilters(category="bugs", status=["open"]), lambda n: n % 3 == 1 and n % 5 == 0),
    ],
)
async def test_filters_narrow_the_listing(crm, tenant, tickets, filters, expected):
    listed = await all_pages(crm, tenant, filters, limit=4)
    assert {t.id for t in listed} == {t.id for n, t in enumerate(tickets) if expected(n)}


async def test_a_date_range_selects_tickets_opened_within_it(crm, tenant, tickets):
    start, end = tickets[5].created_at, tickets[10].created_at
    window = TicketFilters(created_after=start, created_before=end)
    assert [t.id for t in await all_pages(crm, tenant, window)] == [
        t.id for t in reversed(tickets[5:10])
    ]
    with pytest.raises(InvalidInput, match="^created_before: must be later"):
        await crm.list_tickets(tenant, TicketFilters(created_after=end, created_before=start))


async def test_the_customer_filter_lists_only_their_tickets(crm, tenant, customer, tickets):
    other = (await crm.create_customer(
        tenant, "t", NewCustomer(name="O", email="o@example.org"))).customer
    await crm.create_ticket(tenant, "a", NewTicket(
        customer_id=other.id, subject="Mine", body="b", category="plans"))
    listed = await all_pages(crm, tenant, TicketFilters(customer_id=other.id))
    assert [t.subject for t in listed] == ["Mine"]


@pytest.mark.parametrize("cursor", ["garbage", "eyJ4Ijox", "WyJmaW5kX2N1c3RvbWVycyIsMV0"])
async def test_a_cursor_from_elsewhere_is_refused(crm, tenant, cursor):
    with pytest.raises(InvalidInput, match="^cursor: not a cursor from list_tickets"):
        await crm.list_tickets(tenant, cursor=cursor)


async def test_customers_are_found_by_parts_of_email_name_or_company(crm, tenant):
    people = [("Ada Byron", "ada@example.com", "Engines Ltd"),
              ("Bob Ada", "bob@example.org", "Bakery_100%"),
              ("Cy Young", "cy@example.org", None)]
    for name, email, company in people:
        await crm.create_customer(tenant, "t", NewCustomer(name=name, email=email,
                                                           company=company))

    async def names(**query) -> list[str]:
        return [c.name for c in (await crm.find_customers(tenant, CustomerFilters(**query))).customers]

    assert await names(name="ada") == ["Ada Byron", "Bob Ada"]
    assert await names(email="@EXAMPLE.ORG") == ["Bob Ada", "Cy Young"]
    assert await names(company="100%") == ["Bob Ada"]
    assert await names(company="engines_ltd") == []  # "_" is literal, not a LIKE wildcard
    assert await names(name="ada", email="example.com") == ["Ada Byron"]


async def test_customer_pages_follow_each_other(crm, tenant):
    for n in range(7):
        await crm.create_customer(tenant, "t", NewCustomer(name=f"P{n}", email=f"p{n}@example.com"))
    first = await crm.find_customers(tenant, limit=3)
    second = await crm.find_customers(tenant, limit=3, cursor=first.next_cursor)
    third = await crm.find_customers(tenant, limit=3, cursor=second.next_cursor)
    names = [c.name for page in (first, second, third) for c in page.customers]
    assert names == [f"P{n}" for n in range(7)] and third.next_cursor is None


async def test_a_profile_has_subscriptions_open_count_and_recent_tickets(
    crm, tenant, customer, tickets
):
    from servers.crm.store.tables import subscriptions

    async with crm.database.write() as conn:
        await conn.execute(subscriptions.insert().values(
            tenant=tenant, customer_id=int(customer.id[2:]), plan="Business", amount_minor=19999,
            currency="EUR", status="active", renews_on=datetime(2026, 12, 1).date(),
            started_at=datetime(2026, 1, 1, tzinfo=UTC)))
    profile = await crm.get_customer(tenant, customer.id)
    assert profile.customer.phone == "+1 555-0199"
    [subscription] = profile.subscriptions
    assert subscription.amount == Decimal("199.99") and subscription.currency == "EUR"
    assert profile.open_tickets == 25
    assert [t.id for t in profile.recent_tickets] == [t.id for t in reversed(tickets)][:10]
    assert profile.customer.created_at > datetime.now(UTC) - timedelta(days=3650)
    # The count is of all their tickets still open, not of the recent ones listed.
    oldest, newest = tickets[0], tickets[-1]
    for ticket in (oldest, newest):
        await crm.update_ticket(tenant, "agent", ticket.id, ticket.version,
                                TicketChanges(status="resolved"))
    assert (await crm.get_customer(tenant, customer.id)).open_tickets == 23
