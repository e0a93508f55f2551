"""A ticket's conversation (customer and agent messages) and its internal notes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from servers.crm.models import Message, Note
from servers.crm.store.tables import ticket_messages, ticket_notes
from servers.crm.vocabulary import MESSAGE, NOTE, TICKET, format_id


def to_message(row: Row) -> Message:
    return Message(
        id=format_id(MESSAGE, row.id),
        ticket_id=format_id(TICKET, row.ticket_id),
        author_type=row.author_type,
        author=row.author,
        body=row.body,
        created_at=row.created_at,
    )


def to_note(row: Row) -> Note:
    return Note(
        id=format_id(NOTE, row.id),
        ticket_id=format_id(TICKET, row.ticket_id),
        author=row.author,
        body=row.body,
        created_at=row.created_at,
    )


async def insert_message(conn: AsyncConnection, values: dict[str, Any]) -> Row:
    query = insert(ticket_messages).values(**values).returning(*ticket_messages.c)
    return (await conn.execute(query)).one()


async def message_for_key(conn: AsyncConnection, tenant: str, key: str) -> Row | None:
    query = select(ticket_messages).where(
        ticket_messages.c.tenant == tenant, ticket_messages.c.idempotency_key == key
    )
    return (await conn.execute(query)).first()


async def insert_note(conn: AsyncConnection, values: dict[str, Any]) -> Row:
    query = insert(ticket_notes).values(**values).returning(*ticket_notes.c)
    return (await conn.execute(query)).one()


async def note_for_key(conn: AsyncConnection, tenant: str, key: str) -> Row | None:
    query = select(ticket_notes).where(
        ticket_notes.c.tenant == tenant, ticket_notes.c.idempotency_key == key
    )
    return (await conn.execute(query)).first()


async def messages_of(conn: AsyncConnection, tenant: str, ticket_number: int) -> list[Message]:
    query = (
        select(ticket_messages)
        .where(ticket_messages.c.tenant == tenant, ticket_messages.c.ticket_id == ticket_number)
        .order_by(ticket_messages.c.id)
    )
    return [to_message(row) for row in (await conn.execute(query)).all()]


async def notes_of(conn: AsyncConnection, tenant: str, ticket_number: int) -> list[Note]:
    query = (
        select(ticket_notes)
        .where(ticket_notes.c.tenant == tenant, ticket_notes.c.ticket_id == ticket_number)
        .order_by(ticket_notes.c.id)
    )
    return [to_note(row) for row in (await conn.execute(query)).all()]
