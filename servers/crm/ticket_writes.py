"""The CRM's ticket writes (the ticket, its conversation and notes), each one transaction: the
change, its audit entry, and the events it will publish once committed. ``CrmService`` calls
these and publishes in one place."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from events import Envelope, EventPayload, make_event
from events.types import TicketCreated, TicketUpdated
from servers.crm.errors import CrmError, NotFound, VersionConflict, number_of
from servers.crm.once import Written, once_per_key, rerun_after_race
from servers.crm.inputs import NewMessage, NewNote, NewTicket, TicketChanges
from servers.crm.models import (
    AddedMessage,
    AddedNote,
    CreatedTicket,
    Note,
    UpdatedTicket,
)
from servers.crm import service_level
from servers.crm.store import audit, conversation, customers, tickets
from servers.crm.store.database import CrmDatabase
from servers.crm.ticket_policy import TicketPolicy
from servers.crm.vocabulary import CUSTOMER, TICKET, format_id


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value


def _ticket_event(payload: EventPayload, tenant: str, row) -> Envelope:
    return make_event(
        payload,
        tenant=tenant,
        request_id=row.request_id,
        ticket_id=format_id(TICKET, row.id),
        customer_id=format_id(CUSTOMER, row.customer_id),
    )


async def create_ticket(
    db: CrmDatabase, now: datetime, tenant: str, actor: str, new: NewTicket,
    policy: TicketPolicy,
) -> Written:
    """Open a ticket with its SLA clocks from the policy and, when its category has a group,
    the group's next agent (unless an assignee is given). Once per ``request_id``.

    With ``new.reply``, an agent's reply is added in the same transaction, once per its key:
    a repeat adds it only if no earlier call did (as ``add_message`` would). A request answered
    as it is logged is one write, and the ticket never reads unanswered."""
    customer_number = number_of(CUSTOMER, "customer_id", "customer", new.customer_id)

    async def write(conn) -> Written:
        row, events = await _open_ticket(conn, policy, now, tenant, actor, new, customer_number)
        created = CreatedTicket(ticket=tickets.to_ticket(row), created=True)
        return created, await db.stage_events(conn, events)

    async def write_answered(conn) -> Written:
        existing = None
        if new.request_id is not None:
            existing = await tickets.ticket_for_request(conn, tenant, new.request_id)
        if existing is not None:
            _same_customer(existing, customer_number, new.request_id)
            row, events = existing, []
        else:
            row, events = await _open_ticket(conn, policy, now, tenant, actor, new, customer_number)
        reply, row, replied = await _reply_once(conn, policy, now, tenant, actor, row, new.reply)
        done = CreatedTicket(ticket=tickets.to_ticket(row), created=existing is None, reply=reply)
        return done, await db.stage_events(conn, events + replied)

    if new.reply is not None:
        return await rerun_after_race(db, write_answered)
    return await once_per_key(
        db, new.request_id,
        find=lambda conn, key: tickets.ticket_for_request(conn, tenant, key),
        repeat=lambda existing: _repeated(existing, customer_number, new.request_id),
        write=write,
    )


async def _open_ticket(conn, policy: TicketPolicy, now: datetime, tenant: str, actor: str,
                       new: NewTicket, customer_number: int) -> tuple[Any, list[Envelope]]:
    """The new ticket's row, audited, and the event it publishes."""
    owner = await customers.customer_row(conn, tenant, customer_number)
    if owner is None:
        raise NotFound("customer_id", "customer", new.customer_id)
    group = policy.group_for(tenant, new.category)
    assignee = new.assignee or None
    if assignee is None and group is not None:
        assignee = await service_level.assignee_from(conn, policy, tenant, group)
    row = await tickets.insert_ticket(
        conn,
        {
            "tenant": tenant,
            "customer_id": customer_number,
            "request_id": new.request_id,
            "subject": new.subject,
            "body": new.body,
            "channel": new.channel,
            "status": "new",
            "priority": new.priority,
            "category": new.category,
            "assignee": assignee,
            "assigned_group": group,
            "tags": new.tags,
            **service_level.clocks(policy, tenant, new.priority, owner.tier, now),
            "created_at": now,
            "updated_at": now,
            "version": 1,
        },
    )
    fields = {
        "status": row.status,
        "priority": row.priority,
        "category": row.category,
        "channel": row.channel,
    }
    await audit.record(
        conn,
        tenant=tenant,
        actor=actor,
        action="ticket.created",
        at=now,
        customer_number=customer_number,
        ticket_number=row.id,
        after=fields,
    )
    created = TicketCreated(
        ticket_id=format_id(TICKET, row.id), customer_id=new.customer_id, **fields
    )
    return row, [_ticket_event(created, tenant, row)]


def _repeated(existing, customer_number: int, request_id: str) -> CreatedTicket:
    _same_customer(existing, customer_number, request_id)
    return CreatedTicket(ticket=tickets.to_ticket(existing), created=False)


def _same_customer(existing, customer_number: int, request_id: str) -> None:
    """A request id is one customer's: another's repeating it is refused."""
    if existing.customer_id != customer_number:
        raise CrmError(
            f"request_id: {request_id!r} already created ticket "
            f"{format_id(TICKET, existing.id)} for another customer"
        )


async def update_ticket(
    db: CrmDatabase,
    now: datetime,
    tenant: str,
    actor: str,
    ticket_id: str,
    expected_version: int,
    changes: TicketChanges,
    policy: TicketPolicy,
) -> Written:
    number = number_of(TICKET, "ticket_id", "ticket", ticket_id)
    wanted = changes.requested()
    if not wanted:
        raise CrmError(
            "changes: give at least one of status, priority, category, assignee, group, tags"
        )
    async with db.write() as conn:
        row = await tickets.ticket_row(conn, tenant, number)
        if row is None:
            raise NotFound("ticket_id", "ticket", ticket_id)
        if row.version != expected_version:
            raise VersionConflict("ticket", ticket_id, expected_version, row.version)
        updated, diff, events = await _changed(conn, policy, now, tenant, actor, row, wanted)
        to_publish = await db.stage_events(conn, events)
    return UpdatedTicket(ticket=tickets.to_ticket(updated), changes=diff), to_publish


async def _changed(conn, policy: TicketPolicy, now: datetime, tenant: str, actor: str, row,
                   wanted: dict[str, Any]) -> tuple[Any, dict[str, list], list[Envelope]]:
    """Write ``wanted`` over the ticket ``row`` (read in this transaction), audited: (the row
    after, each changed field's [before, after], the events to stage). Nothing differs:
    (``row``, {}, [])."""
    ticket_id = format_id(TICKET, row.id)
    values = await service_level.ticket_values(conn, policy, tenant, row, wanted, now)
    if not values:
        return row, {}, []
    before = {field: _jsonable(row._mapping[field]) for field in values}
    after = {field: _jsonable(value) for field, value in values.items()}
    updated = await tickets.update_if_version(
        conn, tenant, row.id, row.version, {**values, "updated_at": now}
    )
    if updated is None:
        # Another writer bumped the version between our read and our write.
        current = await tickets.ticket_row(conn, tenant, row.id)
        raise VersionConflict(
            "ticket", ticket_id, row.version, current.version if current else -1
        )
    await audit.record(
        conn,
        tenant=tenant,
        actor=actor,
        action="ticket.updated",
        at=now,
        customer_number=row.customer_id,
        ticket_number=row.id,
        before=before,
        after=after,
    )
    diff = {field: [before[field], after[field]] for field in after}
    events = [_ticket_event(
        TicketUpdated(ticket_id=ticket_id, version=updated.version, changes=diff),
        tenant,
        updated,
    )]
    if "resolved_at" in values:
        events += await service_level.stop_clock(conn, tenant, updated, "resolution", now)
    return updated, diff, events


async def add_message(
    db: CrmDatabase, now: datetime, tenant: str, actor: str, ticket_id: str, new: NewMessage,
    policy: TicketPolicy,
) -> Written:
    """Add a turn to the conversation (``_added``). Once per ``idempotency_key``: a repeat
    changes nothing."""
    number = number_of(TICKET, "ticket_id", "ticket", ticket_id)

    async def write(conn) -> Written:
        ticket = await tickets.ticket_row(conn, tenant, number)
        if ticket is None:
            raise NotFound("ticket_id", "ticket", ticket_id)
        added, _, events = await _added(conn, policy, now, tenant, actor, ticket, new)
        return added, await db.stage_events(conn, events)

    return await once_per_key(
        db, new.idempotency_key,
        find=lambda conn, key: conversation.message_for_key(conn, tenant, key),
        repeat=lambda existing: _repeated_message(existing, number, new.idempotency_key),
        write=write,
    )


async def _reply_once(conn, policy: TicketPolicy, now: datetime, tenant: str, actor: str,
                      ticket, new: NewMessage) -> tuple[AddedMessage, Any, list[Envelope]]:
    """``new`` on ``ticket`` (its row, read or written in this transaction) unless its key
    already added it: (the message, without the ticket; the ticket's row after; events)."""
    if new.idempotency_key is not None:
        existing = await conversation.message_for_key(conn, tenant, new.idempotency_key)
        if existing is not None:
            return _repeated_message(existing, ticket.id, new.idempotency_key), ticket, []
    added, touched, events = await _added(conn, policy, now, tenant, actor, ticket, new)
    return added.model_copy(update={"ticket": None}), touched, events


async def _added(conn, policy: TicketPolicy, now: datetime, tenant: str, actor: str, ticket,
                 new: NewMessage) -> tuple[AddedMessage, Any, list[Envelope]]:
    """Add ``new`` to the conversation of ``ticket`` (its row, read in this transaction): an
    agent's first reply stops the first-response clock, and ``new.status`` is set in the same
    transaction (a reply that resolves the ticket). (The message, the ticket's row after, the
    events to stage.)"""
    author = new.author
    if not author:
        if new.author_type == "agent":
            author = actor
        else:
            owner = await customers.customer_row(conn, tenant, ticket.customer_id)
            author = owner.name if owner else "customer"
    row = await conversation.insert_message(
        conn,
        {
            "tenant": tenant,
            "ticket_id": ticket.id,
            "author_type": new.author_type,
            "author": author,
            "body": new.body,
            "idempotency_key": new.idempotency_key,
            "created_at": now,
        },
    )
    first_reply = new.author_type == "agent" and ticket.first_response_at is None
    touched = await tickets.touch(conn, tenant, ticket.id, now, first_response=first_reply)
    events: list[Envelope] = []
    if first_reply:
        events += await service_level.stop_clock(conn, tenant, ticket, "first_response", now)
    await audit.record(
        conn,
        tenant=tenant,
        actor=actor,
        action="message.added",
        at=now,
        customer_number=ticket.customer_id,
        ticket_number=ticket.id,
        after={
            "message_id": conversation.to_message(row).id,
            "author_type": new.author_type,
        },
    )
    if new.status is not None:
        touched, _, more = await _changed(conn, policy, now, tenant, actor, touched,
                                          {"status": new.status})
        events += more
    added = AddedMessage(message=conversation.to_message(row), created=True,
                         ticket=tickets.to_ticket(touched))
    return added, touched, events


def _repeated_message(existing, ticket_number: int, key: str) -> AddedMessage:
    if existing.ticket_id != ticket_number:
        raise CrmError(
            f"idempotency_key: {key!r} was already used for a message on ticket "
            f"{format_id(TICKET, existing.ticket_id)}"
        )
    return AddedMessage(message=conversation.to_message(existing), created=False)


async def add_note(
    db: CrmDatabase, now: datetime, tenant: str, actor: str, ticket_id: str, new: NewNote
) -> Written:
    """Add an internal note. Once per ``idempotency_key``."""
    number = number_of(TICKET, "ticket_id", "ticket", ticket_id)

    async def write(conn) -> Written:
        ticket = await tickets.ticket_row(conn, tenant, number)
        if ticket is None:
            raise NotFound("ticket_id", "ticket", ticket_id)
        row = await conversation.insert_note(
            conn,
            {
                "tenant": tenant,
                "ticket_id": number,
                "author": actor,
                "body": new.body,
                "idempotency_key": new.idempotency_key,
                "created_at": now,
            },
        )
        await tickets.touch(conn, tenant, number, now)
        note: Note = conversation.to_note(row)
        await audit.record(
            conn,
            tenant=tenant,
            actor=actor,
            action="note.added",
            at=now,
            customer_number=ticket.customer_id,
            ticket_number=number,
            after={"note_id": note.id},
        )
        return AddedNote(note=note, created=True), []

    return await once_per_key(
        db, new.idempotency_key,
        find=lambda conn, key: conversation.note_for_key(conn, tenant, key),
        repeat=lambda existing: _repeated_note(existing, number, new),
        write=write,
    )


def _repeated_note(existing, ticket_number: int, new: NewNote) -> AddedNote:
    """The note a key already added; the key names one note, so any other use is refused."""
    key = new.idempotency_key
    if existing.ticket_id != ticket_number:
        raise CrmError(
            f"idempotency_key: {key!r} was already used for a note on ticket "
            f"{format_id(TICKET, existing.ticket_id)}"
        )
    if existing.body != new.body:
        raise CrmError(
            f"idempotency_key: {key!r} was already used for a different note on this ticket; "
            "a new note needs a new key"
        )
    return AddedNote(note=conversation.to_note(existing), created=False)
