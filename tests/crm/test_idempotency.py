"""Support request ids: a retried create or message returns the first result, once."""

import pytest

from servers.crm.errors import CrmError
from servers.crm.inputs import NewCustomer, NewMessage, NewTicket


def ticket_for(customer_id: str, **extra) -> NewTicket:
    fields = {"subject": "Export stuck at 0%", "body": "Started an export yesterday.",
              "category": "data-export"}
    return NewTicket(customer_id=customer_id, **{**fields, **extra})


async def test_repeating_a_request_id_returns_the_first_ticket(crm, tenant, customer, publisher):
    first = await crm.create_ticket(tenant, "bot", ticket_for(customer.id, request_id="R-1"))
    again = await crm.create_ticket(
        tenant, "bot", ticket_for(customer.id, request_id="R-1", subject="Reworded by a retry")
    )
    assert (first.created, again.created) == (True, False)
    assert again.ticket == first.ticket and first.ticket.request_id == "R-1"
    assert len(publisher.of_type("ticket.created")) == 1
    assert publisher.events[0].request_id == "R-1"


async def test_a_request_id_cannot_be_reused_for_another_customer(crm, tenant, customer):
    other = await crm.create_customer(tenant, "t", NewCustomer(name="O", email="o@example.org"))
    await crm.create_ticket(tenant, "bot", ticket_for(customer.id, request_id="R-2"))
    with pytest.raises(CrmError, match="^request_id: 'R-2' already created ticket T-"):
        await crm.create_ticket(tenant, "bot", ticket_for(other.id, request_id="R-2"))


async def test_request_ids_are_per_tenant(crm, tenant, customer):
    elsewhere = f"{tenant}-other"
    stranger = await crm.create_customer(
        elsewhere, "t", NewCustomer(name="S", email="s@example.org")
    )
    mine = await crm.create_ticket(tenant, "bot", ticket_for(customer.id, request_id="R-3"))
    theirs = await crm.create_ticket(elsewhere, "bot", ticket_for(stranger.id, request_id="R-3"))
    assert theirs.created and theirs.ticket.id != mine.ticket.id


async def test_repeating_a_message_key_returns_the_first_message(crm, tenant, customer):
    ticket = (await crm.create_ticket(tenant, "bot", ticket_for(customer.id))).ticket
    message = NewMessage(author_type="agent", body="Restarted it.", idempotency_key="R-4:m1")
    first = await crm.add_message(tenant, "bot", ticket.id, message)
    again = await crm.add_message(tenant, "bot", ticket.id, message)
    plain = await crm.add_message(tenant, "bot", ticket.id,
                                  NewMessage(author_type="agent", body="Restarted it."))
    assert (first.created, again.created, plain.created) == (True, False, True)
    assert again.message == first.message
    assert len((await crm.get_ticket(tenant, ticket.id)).messages) == 2


async def test_a_message_key_used_on_another_ticket_is_refused(crm, tenant, customer):
    one = (await crm.create_ticket(tenant, "bot", ticket_for(customer.id))).ticket
    two = (await crm.create_ticket(tenant, "bot", ticket_for(customer.id))).ticket
    message = NewMessage(author_type="agent", body="Hi", idempotency_key="R-5:m1")
    await crm.add_message(tenant, "bot", one.id, message)
    with pytest.raises(CrmError, match=f"^idempotency_key: .* on ticket {one.id}"):
        await crm.add_message(tenant, "bot", two.id, message)
