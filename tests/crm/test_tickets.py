"""Tickets through the service, on SQLite and PostgreSQL: create, read, update, converse."""

from datetime import timedelta

import pytest
from sqlalchemy import event

from servers.crm.errors import CrmError, NotFound, VersionConflict
from servers.crm.inputs import NewCustomer, NewMessage, NewNote, NewTicket, TicketChanges
from servers.crm.store import audit as audit_store


def new_ticket(customer_id: str, **overrides) -> NewTicket:
    fields = {
        "customer_id": customer_id,
        "subject": "Charged twice this month",
        "body": "Two charges of $120.00 on my card. Please refund one.",
        "category": "billing",
        "priority": "high",
        "channel": "email",
        "tags": ["refund", "Refund", "duplicate-charge"],
    }
    return NewTicket(**{**fields, **overrides})


async def test_a_new_ticket_starts_new_with_an_sla_from_its_priority(crm, tenant, customer):
    created = await crm.create_ticket(tenant, "agent-7", new_ticket(customer.id))
    ticket = created.ticket
    assert created.created is True
    assert ticket.id.startswith("T-") and ticket.uri == f"crm://tickets/{ticket.id}"
    assert (ticket.status, ticket.priority, ticket.version) == ("new", "high", 1)
    assert ticket.tags == ["refund", "duplicate-charge"]
    assert ticket.sla_due_at - ticket.created_at == timedelta(hours=4)

    detail = await crm.get_ticket(tenant, ticket.id)
    assert detail.ticket == ticket
    assert [(h.action, h.actor) for h in detail.history] == [("ticket.created", "agent-7")]


async def test_creating_publishes_ticket_created_after_commit(crm, tenant, customer, publisher):
    ticket = (await crm.create_ticket(tenant, "a", new_ticket(customer.id))).ticket
    [event] = publisher.of_type("ticket.created")
    assert (event.tenant, event.ticket_id, event.customer_id) == (tenant, ticket.id, customer.id)
    assert event.payload == {
        "ticket_id": ticket.id, "customer_id": customer.id, "status": "new",
        "priority": "high", "category": "billing", "channel": "email",
    }


async def test_update_changes_fields_bumps_version_and_records_before_after(
    crm, tenant, customer, publisher
):
    ticket = (await crm.create_ticket(tenant, "a", new_ticket(customer.id))).ticket
    updated = await crm.update_ticket(
        tenant, "maya", ticket.id, 1,
        TicketChanges(status="open", priority="urgent", assignee="maya", tags=["vip"]),
    )
    assert updated.ticket.version == 2
    assert updated.ticket.sla_due_at - updated.ticket.created_at == timedelta(hours=1)
    assert updated.changes["status"] == ["new", "open"]
    assert updated.changes["assignee"] == [None, "maya"]
    assert updated.changes["tags"] == [["refund", "duplicate-charge"], ["vip"]]
    assert "sla_due_at" in updated.changes

    history = (await crm.get_ticket(tenant, ticket.id)).history
    assert [entry.action for entry in history] == ["ticket.created", "ticket.updated"]
    change = history[-1]
    assert change.actor == "maya"
    assert change.before["status"] == "new" and change.after["status"] == "open"

    [event] = publisher.of_type("ticket.updated")
    assert event.payload == {"ticket_id": ticket.id, "version": 2, "changes": updated.changes}


async def test_an_update_that_changes_nothing_keeps_the_version(crm, tenant, customer, publisher):
    ticket = (await crm.create_ticket(tenant, "a", new_ticket(customer.id))).ticket
    same = await crm.update_ticket(tenant, "a", ticket.id, 1, TicketChanges(priority="high"))
    assert (same.changes, same.ticket.version) == ({}, 1)
    assert publisher.of_type("ticket.updated") == []
    with pytest.raises(CrmError, match="^changes: give at least one"):
        await crm.update_ticket(tenant, "a", ticket.id, 1, TicketChanges())


async def test_an_empty_assignee_unassigns(crm, tenant, customer):
    ticket = (await crm.create_ticket(tenant, "a", new_ticket(customer.id, assignee="bo"))).ticket
    updated = await crm.update_ticket(tenant, "a", ticket.id, 1, TicketChanges(assignee=""))
    assert updated.ticket.assignee is None and updated.changes == {"assignee": ["bo", None]}


async def test_a_stale_version_is_a_conflict_that_says_what_to_do(crm, tenant, customer):
    ticket = (await crm.create_ticket(tenant, "a", new_ticket(customer.id))).ticket
    await crm.update_ticket(tenant, "a", ticket.id, 1, TicketChanges(status="open"))
    with pytest.raises(VersionConflict, match="^expected_version: .* at version 2, not 1") as info:
        await crm.update_ticket(tenant, "b", ticket.id, 1, TicketChanges(status="closed"))
    assert "get_ticket" in str(info.value)
    assert (await crm.get_ticket(tenant, ticket.id)).ticket.status == "open"


async def test_messages_and_notes_join_the_ticket_in_order(crm, tenant, customer):
    ticket = (await crm.create_ticket(tenant, "a", new_ticket(customer.id))).ticket
    reply = await crm.add_message(
        tenant, "maya", ticket.id, NewMessage(author_type="agent", body="Refunded.")
    )
    answer = await crm.add_message(
        tenant, "maya", ticket.id, NewMessage(author_type="customer", body="Thanks!")
    )
    note = await crm.add_note(tenant, "maya", ticket.id, NewNote(body="Refund ref 123."))
    detail = await crm.get_ticket(tenant, ticket.id)
    assert [(m.author_type, m.author, m.body) for m in detail.messages] == [
        ("agent", "maya", "Refunded."), ("customer", "Quinn Test", "Thanks!"),
    ]
    assert [n.body for n in detail.notes] == ["Refund ref 123."] and note.note.author == "maya"
    assert reply.created and answer.created and note.created
    assert detail.ticket.version == 1  # conversation doesn't conflict with field updates
    assert detail.ticket.updated_at > ticket.updated_at
    assert [h.action for h in detail.history] == [
        "ticket.created", "message.added", "message.added", "note.added",
    ]


async def test_a_reply_can_resolve_the_ticket_in_the_same_write(crm, tenant, customer, publisher):
    ticket = (await crm.create_ticket(tenant, "a", new_ticket(customer.id))).ticket
    reply = NewMessage(author_type="agent", body="Refunded.", status="resolved",
                       idempotency_key="run-1:reply")
    added = await crm.add_message(tenant, "maya", ticket.id, reply)
    assert added.created and added.ticket.status == "resolved"
    detail = await crm.get_ticket(tenant, ticket.id)
    assert added.ticket == detail.ticket
    assert detail.ticket.resolved_at is not None and detail.ticket.version == 2
    assert [h.action for h in detail.history] == [
        "ticket.created", "message.added", "ticket.updated",
    ]
    updated = publisher.of_type("ticket.updated")
    assert [e.payload["changes"]["status"] for e in updated] == [["new", "resolved"]]

    # Reopened since: the same reply again (a retry) adds nothing and changes nothing.
    await crm.update_ticket(tenant, "a", ticket.id, 2, TicketChanges(status="open"))
    again = await crm.add_message(tenant, "maya", ticket.id, reply)
    assert not again.created and again.ticket is None
    detail = await crm.get_ticket(tenant, ticket.id)
    assert detail.ticket.status == "open" and len(detail.messages) == 1


async def test_a_ticket_can_be_opened_answered_and_resolved_in_one_write(
    crm, tenant, customer, publisher
):
    reply = NewMessage(author_type="agent", body="Refunded.", status="resolved",
                       idempotency_key="run-1:reply")
    audit_inserts = []

    @event.listens_for(crm.database.engine.sync_engine, "before_cursor_execute")
    def seen(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_LOG"):
            audit_inserts.append(len(parameters) if executemany else 1)

    done = await crm.create_ticket(tenant, "maya",
                                   new_ticket(customer.id, request_id="R-9", reply=reply))
    event.remove(crm.database.engine.sync_engine, "before_cursor_execute", seen)
    assert audit_inserts == [3]  # the write's three entries, in one statement at its end
    detail = await crm.get_ticket(tenant, done.ticket.id)
    assert done.created and done.reply.created and done.reply.ticket is None
    assert done.ticket == detail.ticket and detail.ticket.status == "resolved"
    assert detail.ticket.first_response_at is not None and detail.ticket.resolved_at is not None
    assert [(m.author_type, m.author, m.body) for m in detail.messages] == [
        ("agent", "maya", "Refunded.")]
    assert done.reply.message == detail.messages[0]
    assert [h.action for h in detail.history] == [
        "ticket.created", "message.added", "ticket.updated",
    ]
    assert [e.type for e in publisher.events if e.type.startswith("ticket.")] == [
        "ticket.created", "ticket.updated"]
    assert [e.payload["target"] for e in publisher.of_type("sla.met")] == ["first_response"]


async def test_repeating_an_answered_create_adds_its_reply_once(crm, tenant, customer, publisher):
    """A repeat finds the ticket and the reply; a second run of the same request (its own
    reply key) answers the ticket its first run opened."""
    def answered(key: str) -> NewTicket:
        return new_ticket(customer.id, request_id="R-10", reply=NewMessage(
            author_type="agent", body=f"Answer of {key}", idempotency_key=key))

    first = await crm.create_ticket(tenant, "bot", answered("run-1:reply"))
    again = await crm.create_ticket(tenant, "bot", answered("run-1:reply"))
    later = await crm.create_ticket(tenant, "bot", answered("run-2:reply"))
    detail = await crm.get_ticket(tenant, first.ticket.id)
    assert (first.created, again.created, later.created) == (True, False, False)
    assert (first.reply.created, again.reply.created, later.reply.created) == (True, False, True)
    assert again.reply.message == first.reply.message
    assert again.ticket.id == later.ticket.id == first.ticket.id
    assert [m.body for m in detail.messages] == ["Answer of run-1:reply", "Answer of run-2:reply"]
    assert [h.action for h in detail.history] == [
        "ticket.created", "message.added", "message.added"]
    assert len(publisher.of_type("ticket.created")) == 1


async def test_an_answered_create_refuses_another_customers_request_id(crm, tenant, customer):
    other = (await crm.create_customer(
        tenant, "t", NewCustomer(name="O", email="o@example.org"))).customer
    mine = await crm.create_ticket(tenant, "bot", new_ticket(customer.id, request_id="R-11"))
    answered = new_ticket(other.id, request_id="R-11", reply=NewMessage(
        author_type="agent", body="Hello", idempotency_key="run-9:reply"))
    with pytest.raises(CrmError, match="^request_id: 'R-11' already created ticket T-"):
        await crm.create_ticket(tenant, "bot", answered)
    assert (await crm.get_ticket(tenant, mine.ticket.id)).messages == []


async def test_a_message_without_a_status_leaves_the_status(crm, tenant, customer):
    ticket = (await crm.create_ticket(tenant, "a", new_ticket(customer.id))).ticket
    added = await crm.add_message(tenant, "maya", ticket.id,
                                  NewMessage(author_type="agent", body="Looking into it."))
    assert added.ticket.status == "new" and added.ticket.version == 1
    assert added.ticket.first_response_at is not None


async def test_unknown_and_malformed_ids_are_not_found(crm, tenant, customer):
    with pytest.raises(NotFound, match="^ticket_id: no ticket 'T-999999'"):
        await crm.get_ticket(tenant, "T-999999")
    with pytest.raises(NotFound, match="^customer_id: no customer 'C-nope'"):
        await crm.get_customer(tenant, "C-nope")
    with pytest.raises(NotFound, match="^customer_id: no customer 'C-999999'"):
        await crm.create_ticket(tenant, "a", new_ticket("C-999999"))
    with pytest.raises(NotFound, match="^ticket_id"):
        await crm.add_note(tenant, "a", "T-999999", NewNote(body="x"))


async def test_a_failed_write_leaves_nothing_behind(crm, tenant, customer, publisher, monkeypatch):
    async def broken_audit(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit_store, "record", broken_audit)
    with pytest.raises(RuntimeError, match="disk full"):
        await crm.create_ticket(tenant, "a", new_ticket(customer.id, request_id="req-1"))
    monkeypatch.undo()

    assert (await crm.list_tickets(tenant)).tickets == []
    assert publisher.events == []
    # The request id was not burnt by the failed attempt: a retry creates the ticket.
    retry = await crm.create_ticket(tenant, "a", new_ticket(customer.id, request_id="req-1"))
    assert retry.created is True


async def test_a_failed_update_keeps_the_ticket_as_it_was(crm, tenant, customer, monkeypatch):
    ticket = (await crm.create_ticket(tenant, "a", new_ticket(customer.id))).ticket

    async def broken_audit(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit_store, "record", broken_audit)
    with pytest.raises(RuntimeError):
        await crm.update_ticket(tenant, "a", ticket.id, 1, TicketChanges(status="closed"))
    monkeypatch.undo()
    again = (await crm.get_ticket(tenant, ticket.id)).ticket
    assert (again.status, again.version) == ("new", 1)


async def test_a_publisher_failure_does_not_undo_the_committed_ticket(
    crm, tenant, customer, caplog
):
    class DownPublisher:
        async def publish(self, *events):
            raise ConnectionError("bus unreachable")

    crm.publisher = DownPublisher()
    created = await crm.create_ticket(tenant, "a", new_ticket(customer.id))
    assert (await crm.get_ticket(tenant, created.ticket.id)).ticket == created.ticket
    [record] = [r for r in caplog.records if "publishing" in r.getMessage()]
    assert f"ticket.created {created.ticket.id}" in record.getMessage()
