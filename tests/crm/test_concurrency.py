"""Many writers at once, each on its own connection: exactly one wins per version."""

import asyncio

from servers.crm.errors import VersionConflict
from servers.crm.inputs import NewMessage, NewNote, NewTicket, TicketChanges

WRITERS = 12


def ticket_for(customer_id: str, **extra) -> NewTicket:
    return NewTicket(customer_id=customer_id, subject="Sync stuck", body="Syncing forever.",
                     category="bugs", **extra)


async def race(crm, tenant, ticket_id: str, version: int):
    """WRITERS concurrent updates of one ticket, all expecting ``version``."""
    start = asyncio.Event()

    async def writer(n: int):
        await start.wait()
        return await crm.update_ticket(
            tenant, f"agent-{n}", ticket_id, version, TicketChanges(assignee=f"v{version}-agent-{n}")
        )

    tasks = [asyncio.create_task(writer(n)) for n in range(WRITERS)]
    start.set()
    return await asyncio.gather(*tasks, return_exceptions=True)


async def test_exactly_one_concurrent_update_wins_per_version(crm, tenant, customer, publisher):
    ticket = (await crm.create_ticket(tenant, "a", ticket_for(customer.id))).ticket
    for version in (1, 2):
        outcomes = await race(crm, tenant, ticket.id, version)
        winners = [o for o in outcomes if not isinstance(o, Exception)]
        losers = [o for o in outcomes if isinstance(o, Exception)]
        assert len(winners) == 1, outcomes
        assert all(isinstance(o, VersionConflict) for o in losers), losers
        assert winners[0].ticket.version == version + 1

    detail = await crm.get_ticket(tenant, ticket.id)
    updates = [h for h in detail.history if h.action == "ticket.updated"]
    assert detail.ticket.version == 3 and len(updates) == 2
    assert detail.ticket.assignee == updates[-1].after["assignee"]
    assert [e.payload["version"] for e in publisher.of_type("ticket.updated")] == [2, 3]


async def test_concurrent_creates_with_one_request_id_make_one_ticket(
    crm, tenant, customer, publisher
):
    start = asyncio.Event()

    async def create():
        await start.wait()
        return await crm.create_ticket(tenant, "orchestrator",
                                       ticket_for(customer.id, request_id="REQ-42"))

    tasks = [asyncio.create_task(create()) for _ in range(WRITERS)]
    start.set()
    outcomes = await asyncio.gather(*tasks)
    assert len({o.ticket.id for o in outcomes}) == 1
    assert sum(o.created for o in outcomes) == 1
    assert len(publisher.of_type("ticket.created")) == 1
    assert len((await crm.list_tickets(tenant)).tickets) == 1


async def test_concurrent_answered_creates_make_one_ticket_with_one_reply(
    crm, tenant, customer, publisher
):
    start = asyncio.Event()

    async def create(n: int):
        await start.wait()
        reply = NewMessage(author_type="agent", body=f"attempt {n}", status="resolved",
                           idempotency_key="REQ-43:reply")
        return await crm.create_ticket(tenant, "orchestrator",
                                       ticket_for(customer.id, request_id="REQ-43", reply=reply))

    tasks = [asyncio.create_task(create(n)) for n in range(WRITERS)]
    start.set()
    outcomes = await asyncio.gather(*tasks)
    assert len({o.ticket.id for o in outcomes}) == 1 and sum(o.created for o in outcomes) == 1
    assert len({o.reply.message.id for o in outcomes}) == 1
    assert sum(o.reply.created for o in outcomes) == 1
    detail = await crm.get_ticket(tenant, outcomes[0].ticket.id)
    assert len(detail.messages) == 1 and detail.ticket.status == "resolved"
    assert len(publisher.of_type("ticket.created")) == 1
    assert len(publisher.of_type("ticket.updated")) == 1


async def test_concurrent_messages_with_one_key_add_one_message(crm, tenant, customer):
    ticket = (await crm.create_ticket(tenant, "a", ticket_for(customer.id))).ticket
    start = asyncio.Event()

    async def add(n: int):
        await start.wait()
        return await crm.add_message(tenant, "bot", ticket.id, NewMessage(
            author_type="agent", body=f"attempt {n}", idempotency_key="REQ-42:reply"))

    tasks = [asyncio.create_task(add(n)) for n in range(WRITERS)]
    start.set()
    outcomes = await asyncio.gather(*tasks)
    assert len({o.message.id for o in outcomes}) == 1 and sum(o.created for o in outcomes) == 1
    assert len((await crm.get_ticket(tenant, ticket.id)).messages) == 1


async def test_concurrent_notes_with_one_key_add_one_note(crm, tenant, customer):
    ticket = (await crm.create_ticket(tenant, "a", ticket_for(customer.id))).ticket
    start = asyncio.Event()

    async def add():
        await start.wait()
        return await crm.add_note(tenant, "bot", ticket.id, NewNote(
            body="Escalated to tier 2.", idempotency_key="REQ-42:note"))

    tasks = [asyncio.create_task(add()) for _ in range(WRITERS)]
    start.set()
    outcomes = await asyncio.gather(*tasks)
    detail = await crm.get_ticket(tenant, ticket.id)
    assert len({o.note.id for o in outcomes}) == 1 and sum(o.created for o in outcomes) == 1
    assert len(detail.notes) == 1
    assert [h.action for h in detail.history].count("note.added") == 1
