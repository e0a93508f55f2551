"""SLA clocks and assignment from the team's policy, on SQLite and PostgreSQL: due times in
business hours, the first agent reply and the resolution stop the clocks, the scan warns and
flags breaches once each (also when two replicas scan at once), round-robin within a group."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from orchestrator.policy import Policy
from servers.crm.errors import CrmError
from servers.crm.inputs import NewMessage, NewTicket, TicketChanges
from servers.crm.service import CrmService

POLICY = Policy.model_validate({
    "sla": {
        "warn_before": "30m",
        "first_response": {"normal": "2h"},
        "resolution": {"normal": "1d"},
        "business_hours": {"timezone": "Europe/Berlin",
                           **{day: ["09:00-17:00"] for day in
                              ("monday", "tuesday", "wednesday", "thursday", "friday")}},
    },
    "assignment": {"groups": {"billing": ["ana", "ben"], "tier2": ["lead"]},
                   "categories": {"billing": "billing"}, "escalation": "tier2"},
})
FRIDAY_4PM_BERLIN = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


class SetClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def set_clock() -> SetClock:
    return SetClock(FRIDAY_4PM_BERLIN)


@pytest.fixture
async def sla_crm(make_database, publisher, set_clock):
    service = CrmService(make_database(), publisher=publisher, clock=set_clock, policy=POLICY)
    await service.open()
    yield service
    await service.close()


async def open_ticket(crm, tenant, customer, category="billing", priority="normal"):
    created = await crm.create_ticket(tenant, "agent", NewTicket(
        customer_id=customer.id, subject="Charged twice", body="Two charges this month.",
        category=category, priority=priority))
    return created.ticket


def sla_events(publisher, tenant, ticket_id=None):
    return [(e.type, e.payload["target"]) for e in publisher.events
            if e.type.startswith("sla.") and e.tenant == tenant
            and (ticket_id is None or e.ticket_id == ticket_id)]


async def test_due_times_count_business_hours_only(sla_crm, tenant, customer):
    ticket = await open_ticket(sla_crm, tenant, customer)
    # One business hour on Friday (16:00-17:00 Berlin), the second on Monday from 09:00.
    assert ticket.sla_due_at == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    # "1d" is 24 business hours: 1 on Friday, 8 on Monday and Tuesday, 7 on Wednesday.
    assert ticket.resolution_due_at == datetime(2026, 11, 25, 15, 0, tzinfo=UTC)


async def test_the_first_agent_reply_stops_the_first_response_clock(
        sla_crm, tenant, customer, publisher, set_clock):
    ticket = await open_ticket(sla_crm, tenant, customer)
    await sla_crm.add_message(tenant, "cust", ticket.id,
                              NewMessage(author_type="customer", body="Any news?"))
    assert sla_events(publisher, tenant) == []
    set_clock.now += timedelta(minutes=20)
    await sla_crm.add_message(tenant, "ana", ticket.id,
                              NewMessage(author_type="agent", body="Looking into it."))
    await sla_crm.add_message(tenant, "ana", ticket.id,
                              NewMessage(author_type="agent", body="Refunded."))
    detail = await sla_crm.get_ticket(tenant, ticket.id)
    assert detail.ticket.first_response_at == set_clock.now
    assert sla_events(publisher, tenant) == [("sla.met", "first_response")]


async def test_the_scan_warns_then_flags_a_breach_once_each(
        sla_crm, tenant, customer, publisher, set_clock):
    ticket = await open_ticket(sla_crm, tenant, customer)
    await sla_crm.scan_sla()
    assert sla_events(publisher, tenant) == []
    set_clock.now = ticket.sla_due_at - timedelta(minutes=10)
    await sla_crm.scan_sla()
    await sla_crm.scan_sla()
    assert sla_events(publisher, tenant) == [("sla.warning", "first_response")]
    set_clock.now = ticket.sla_due_at + timedelta(minutes=1)
    await sla_crm.scan_sla()
    await sla_crm.scan_sla()
    # A late reply after the breach raises nothing more for that target.
    await sla_crm.add_message(tenant, "ana", ticket.id,
                              NewMessage(author_type="agent", body="Sorry for the wait."))
    assert sla_events(publisher, tenant) == [("sla.warning", "first_response"),
                                             ("sla.breached", "first_response")]
    breach = [e for e in publisher.events if e.type == "sla.breached" and e.tenant == tenant][0]
    assert breach.payload["group"] == "billing" and breach.ticket_id == ticket.id


async def test_a_late_reply_the_scan_missed_is_a_breach(
        sla_crm, tenant, customer, publisher, set_clock):
    ticket = await open_ticket(sla_crm, tenant, customer)
    set_clock.now = ticket.sla_due_at + timedelta(hours=1)
    await sla_crm.add_message(tenant, "ana", ticket.id,
                              NewMessage(author_type="agent", body="Sorry for the wait."))
    await sla_crm.scan_sla()
    assert sla_events(publisher, tenant) == [("sla.breached", "first_response")]
    assert await sla_crm.sla_share(tenant, FRIDAY_4PM_BERLIN) == {"met": 0, "breached": 1}


async def test_resolving_stops_the_resolution_clock(
        sla_crm, tenant, customer, publisher, set_clock):
    ticket = await open_ticket(sla_crm, tenant, customer)
    set_clock.now += timedelta(days=3)  # Monday evening: well within the business-day target
    updated = await sla_crm.update_ticket(tenant, "ana", ticket.id, 1,
                                          TicketChanges(status="resolved"))
    assert updated.ticket.resolved_at == set_clock.now
    assert ("sla.met", "resolution") in sla_events(publisher, tenant)
    set_clock.now += timedelta(days=30)
    await sla_crm.scan_sla()
    assert ("sla.breached", "resolution") not in sla_events(publisher, tenant)


async def test_two_replicas_scanning_at_once_raise_each_alert_once(
        make_database, tenant, customer, publisher, set_clock, sla_crm):
    tickets = [await open_ticket(sla_crm, tenant, customer) for _ in range(12)]
    other = CrmService(make_database(), publisher=publisher, clock=set_clock, policy=POLICY)
    await other.open()
    try:
        set_clock.now = tickets[0].sla_due_at + timedelta(minutes=1)
        for _ in range(3):
            await asyncio.gather(sla_crm.scan_sla(), other.scan_sla())
    finally:
        await other.close()
    raised = [(e.ticket_id, e.type) for e in publisher.events
              if e.tenant == tenant and e.type.startswith("sla.")]
    assert sorted(raised) == sorted((t.id, "sla.breached") for t in tickets)


async def test_a_category_group_takes_turns(sla_crm, tenant, customer):
    assignees = [(await open_ticket(sla_crm, tenant, customer)).assignee for _ in range(4)]
    assert assignees == ["ana", "ben", "ana", "ben"]
    other = await open_ticket(sla_crm, tenant, customer, category="bugs")
    assert other.assignee is None and other.assigned_group is None


async def test_tickets_opened_at_once_get_distinct_turns(sla_crm, tenant, customer):
    created = await asyncio.gather(*(open_ticket(sla_crm, tenant, customer) for _ in range(6)))
    assignees = sorted(t.assignee for t in created)
    assert assignees == ["ana"] * 3 + ["ben"] * 3


async def test_handing_a_ticket_to_a_group_picks_its_next_agent(sla_crm, tenant, customer):
    ticket = await open_ticket(sla_crm, tenant, customer, category="bugs")
    updated = await sla_crm.update_ticket(tenant, "bot", ticket.id, 1,
                                          TicketChanges(group="tier2"))
    assert (updated.ticket.assigned_group, updated.ticket.assignee) == ("tier2", "lead")
    with pytest.raises(CrmError, match="group: 'nobody' is not an assignment group"):
        await sla_crm.update_ticket(tenant, "bot", ticket.id, 2, TicketChanges(group="nobody"))


async def test_a_new_priority_moves_the_clocks(sla_crm, tenant, customer):
    ticket = await open_ticket(sla_crm, tenant, customer)
    updated = await sla_crm.update_ticket(tenant, "ana", ticket.id, 1,
                                          TicketChanges(priority="urgent"))
    # The built-in urgent target (1h) in business hours from the ticket's opening.
    assert updated.ticket.sla_due_at == ticket.created_at + timedelta(hours=1)
