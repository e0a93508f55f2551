"""One tenant never sees or changes another's rows: their ids are simply not found."""

import pytest

from servers.crm.errors import NotFound
from servers.crm.inputs import (
    CustomerFilters,
    NewCustomer,
    NewMessage,
    NewNote,
    NewTicket,
    TicketChanges,
    TicketFilters,
)


@pytest.fixture
async def foreign(crm, tenant):
    """A customer and ticket belonging to another tenant."""
    other = f"{tenant}-rival"
    customer = (await crm.create_customer(
        other, "t", NewCustomer(name="Rival", email="quinn@example.com", phone="+1 555-0111")
    )).customer
    ticket = (await crm.create_ticket(other, "t", NewTicket(
        customer_id=customer.id, subject="Secret", body="Theirs.", category="security",
        request_id="shared-request"))).ticket
    return customer, ticket


async def test_another_tenants_rows_are_not_found(crm, tenant, customer, foreign):
    their_customer, their_ticket = foreign
    with pytest.raises(NotFound, match=f"^customer_id: no customer '{their_customer.id}'"):
        await crm.get_customer(tenant, their_customer.id)
    with pytest.raises(NotFound, match="^customer_id"):
        await crm.customer_timeline(tenant, their_customer.id)
    with pytest.raises(NotFound, match=f"^ticket_id: no ticket '{their_ticket.id}'"):
        await crm.get_ticket(tenant, their_ticket.id)


async def test_another_tenants_rows_cannot_be_changed(crm, tenant, customer, foreign):
    their_customer, their_ticket = foreign
    with pytest.raises(NotFound, match="^ticket_id"):
        await crm.update_ticket(tenant, "x", their_ticket.id, 1, TicketChanges(status="closed"))
    with pytest.raises(NotFound, match="^ticket_id"):
        await crm.add_message(tenant, "x", their_ticket.id,
                              NewMessage(author_type="agent", body="hi"))
    with pytest.raises(NotFound, match="^ticket_id"):
        await crm.add_note(tenant, "x", their_ticket.id, NewNote(body="peek"))
    with pytest.raises(NotFound, match="^customer_id"):
        await crm.create_ticket(tenant, "x", NewTicket(
            customer_id=their_customer.id, subject="s", body="b", category="bugs"))
    untouched = await crm.get_ticket(f"{tenant}-rival", their_ticket.id)
    assert (untouched.ticket.version, untouched.messages, untouched.notes) == (1, [], [])


async def test_listings_show_only_the_callers_rows(crm, tenant, customer, foreign):
    their_customer, _ = foreign
    assert (await crm.find_customers(tenant, CustomerFilters(email="quinn"))).customers == [
        (await crm.find_customers(tenant, CustomerFilters(email=customer.email))).customers[0]
    ]
    assert (await crm.list_tickets(tenant)).tickets == []
    filtered = await crm.list_tickets(tenant, TicketFilters(customer_id=their_customer.id))
    assert filtered.tickets == []


async def test_the_same_email_may_exist_in_two_tenants(crm, tenant, foreign):
    mine = (await crm.create_customer(
        tenant, "t", NewCustomer(name="Q", email="QUINN@example.com"))).customer
    assert mine.email == "quinn@example.com"
    assert mine.id != foreign[0].id
