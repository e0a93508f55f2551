"""A ticket's conversation (customer and agent messages) and its internal notes.

The statements every reply makes are built once, their values bound as they run (see
``tickets``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, bindparam, insert, select
from sqlalchemy.ext.asyncio.engine import AsyncConnection

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


_INSERT_MESSAGE = insert(ticket_messages).returning(*ticket_messages.c)
_MESSAGE_FOR_KEY = select(ticket_messages).where(
    ticket_messages.c.tenant == bindparam("tenant"),
    ticket_messages.c.idempotency_key == bindparam("key"),
)
_INSERT_NOTE = insert(ticket_notes).returning(*ticket_notes.c)
_NOTE_FOR_KEY = select(ticket_notes).where(
    ticket_notes.c.tenant == bindparam("tenant"), ticket_notes.c.idempotency_key == bindparam("key")
)


async def insert_message(conn: AsyncConnection, values: dict[str, Any]) -> Row:
    return (await conn.execute(_INSERT_MESSAGE, values)).one()


async def message_for_key(conn: AsyncConnection, tenant: str, key: str) -> Row | None:
    return (await conn.execute(_MESSAGE_FOR_KEY, {"tenant": tenant, "key": key})).first()


async def insert_note(conn: AsyncConnection, values: dict[str, Any]) -> Row:
    return (await conn.execute(_INSERT_NOTE, values)).one()


async def note_for_key(conn: AsyncConnection, tenant: str, key: str) -> Row | None:
    return (await conn.execute(_NOTE_FOR_KEY, {"tenant": tenant, "key": key})).first()


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
