"""Support request ids: a retried create, message or note returns the first result, once."""

import pytest

from servers.crm.errors import CrmError
from servers.crm.inputs import NewCustomer, NewMessage, NewNote, NewTicket


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
    assert publisher.of_type("ticket.created")[0].request_id == "R-1"


async def test_a_request_id_cannot_be_reused_for_another_customer(crm, tenant, customer):
    other = (await crm.create_customer(tenant, "t", NewCustomer(name="O", email="o@example.org"))).customer
    await crm.create_ticket(tenant, "bot", ticket_for(customer.id, request_id="R-2"))
    with pytest.raises(CrmError, match="^request_id: 'R-2' already created ticket T-"):
        await crm.create_ticket(tenant, "bot", ticket_for(other.id, request_id="R-2"))


async def test_request_ids_are_per_tenant(crm, tenant, customer):
    elsewhere = f"{tenant}-other"
    stranger = (await crm.create_customer(
        elsewhere, "t", NewCustomer(name="S", email="s@example.org")
    )).customer
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


async def test_repeating_a_note_key_returns_the_first_note_once(crm, tenant, customer, publisher):
    ticket = (await crm.create_ticket(tenant, "bot", ticket_for(customer.id))).ticket
    note = NewNote(body="Escalated: export worker stuck.", idempotency_key="run-6:note")
    first = await crm.add_note(tenant, "bot", ticket.id, note)
    events = len(publisher.events)
    again = await crm.add_note(tenant, "bot", ticket.id, note)
    plain = await crm.add_note(tenant, "bot", ticket.id, NewNote(body=note.body))
    detail = await crm.get_ticket(tenant, ticket.id)
    assert (first.created, again.created, plain.created) == (True, False, True)
    assert again.note == first.note
    assert [n.id for n in detail.notes] == [first.note.id, plain.note.id]
    assert [h.after for h in detail.history if h.action == "note.added"] == [
        {"note_id": first.note.id}, {"note_id": plain.note.id}
    ]
    assert len(publisher.events) == events  # the retry published nothing either


async def test_a_note_key_used_on_another_ticket_is_refused(crm, tenant, customer):
    one = (await crm.create_ticket(tenant, "bot", ticket_for(customer.id))).ticket
    two = (await crm.create_ticket(tenant, "bot", ticket_for(customer.id))).ticket
    note = NewNote(body="Checked the logs.", idempotency_key="run-7:note")
    await crm.add_note(tenant, "bot", one.id, note)
    with pytest.raises(CrmError, match=f"^idempotency_key: 'run-7:note' .* on ticket {one.id}"):
        await crm.add_note(tenant, "bot", two.id, note)
    assert (await crm.get_ticket(tenant, two.id)).notes == []


async def test_a_note_key_used_for_another_body_is_refused(crm, tenant, customer):
    ticket = (await crm.create_ticket(tenant, "bot", ticket_for(customer.id))).ticket
    await crm.add_note(tenant, "bot", ticket.id,
                       NewNote(body="Checked the logs.", idempotency_key="run-8:note"))
    with pytest.raises(CrmError, match="^idempotency_key: 'run-8:note' .* different note"):
        await crm.add_note(tenant, "bot", ticket.id,
                           NewNote(body="Something else.", idempotency_key="run-8:note"))
    assert [n.body for n in (await crm.get_ticket(tenant, ticket.id)).notes] == [
        "Checked the logs."
    ]


async def test_note_keys_are_per_tenant(crm, tenant, customer):
    elsewhere = f"{tenant}-other"
    stranger = (await crm.create_customer(
        elsewhere, "t", NewCustomer(name="S", email="s@example.org")
    )).customer
    mine = (await crm.create_ticket(tenant, "bot", ticket_for(customer.id))).ticket
    theirs = (await crm.create_ticket(elsewhere, "bot", ticket_for(stranger.id))).ticket
    note = NewNote(body="Same words, same key.", idempotency_key="run-9:note")
    added_here = await crm.add_note(tenant, "bot", mine.id, note)
    added_there = await crm.add_note(elsewhere, "bot", theirs.id, note)
    assert added_here.created and added_there.created
    assert added_there.note.id != added_here.note.id
    assert [n.id for n in (await crm.get_ticket(elsewhere, theirs.id)).notes] == [
        added_there.note.id
    ]
