"""A customer's timeline: every kind of event, newest first, pages that join up exactly."""

import pytest

from servers.crm.inputs import NewCustomer, NewMessage, NewNote, NewTicket, TicketChanges


async def build_history(crm, tenant, customer) -> None:
    for n in range(3):
        ticket = (await crm.create_ticket(tenant, "a", NewTicket(
            customer_id=customer.id, subject=f"Problem {n}", body="b", category="bugs"))).ticket
        await crm.add_message(tenant, "maya", ticket.id,
                              NewMessage(author_type="agent", body=f"Reply {n} " + "x" * 300))
        await crm.add_note(tenant, "maya", ticket.id, NewNote(body=f"Note {n}"))
        await crm.update_ticket(tenant, "maya", ticket.id, 1, TicketChanges(status="resolved"))


async def all_entries(crm, tenant, customer_id: str, limit: int) -> list:
    entries, cursor = [], None
    while True:
        page = await crm.customer_timeline(tenant, customer_id, cursor=cursor, limit=limit)
        entries.extend(page.entries)
        if (cursor := page.next_cursor) is None:
            return entries


async def test_the_timeline_tells_the_story_newest_first(crm, tenant, customer):
    await build_history(crm, tenant, customer)
    timeline = await crm.customer_timeline(tenant, customer.id, limit=100)
    kinds = [entry.kind for entry in timeline.entries]
    assert kinds[:4] == ["ticket_updated", "note", "message", "ticket_created"]
    assert kinds[-1] == "customer_created" and len(kinds) == 13
    assert [e.at for e in timeline.entries] == sorted((e.at for e in timeline.entries),
                                                      reverse=True)
    update = timeline.entries[0]
    assert update.ticket_id and "status 'new' -> 'resolved'" in update.summary
    assert "maya" in update.summary
    message = timeline.entries[2]
    assert message.summary.startswith("Agent wrote on T-") and len(message.summary) < 200
    assert timeline.next_cursor is None


@pytest.mark.parametrize("limit", [1, 2, 5])
async def test_timeline_pages_join_up_exactly(crm, tenant, customer, limit):
    await build_history(crm, tenant, customer)
    everything = (await crm.customer_timeline(tenant, customer.id, limit=100)).entries
    assert await all_entries(crm, tenant, customer.id, limit=limit) == everything


async def test_entries_in_the_same_instant_still_page_exactly(frozen_crm, tenant):
    owner = (await frozen_crm.create_customer(
        tenant, "t", NewCustomer(name="T", email="t@example.org")
    )).customer
    await build_history(frozen_crm, tenant, owner)
    everything = (await frozen_crm.customer_timeline(tenant, owner.id, limit=100)).entries
    assert len(everything) == 13
    assert await all_entries(frozen_crm, tenant, owner.id, limit=2) == everything
