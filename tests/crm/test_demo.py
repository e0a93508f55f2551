"""The bundled demo data: deterministic, realistic, spread over tiers and categories."""

import re
from collections import Counter
from datetime import UTC, datetime

import pytest

from servers.crm.demo import load_demo_if_empty
from servers.crm.demo.generator import generate
from servers.crm.inputs import TicketFilters
from servers.crm.server import build_server
from servers.crm.service import CrmService
from servers.crm.inputs import CustomerFilters
from servers.crm.vocabulary import CATEGORIES
from tests.support.eras import MODERN, client_for

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def test_the_same_seed_and_clock_give_the_same_data():
    assert generate(now=NOW) == generate(now=NOW)
    assert generate(now=NOW, seed=1).tickets != generate(now=NOW, seed=2).tickets


def test_the_demo_data_is_big_varied_and_fictional():
    data = generate(now=NOW)
    assert len(data.customers) >= 200 and len(data.tickets) >= 500
    tiers = Counter(c["tier"] for c in data.customers)
    assert set(tiers) == {"free", "pro", "enterprise"} and min(tiers.values()) >= 20
    assert sum(c["vip"] for c in data.customers) >= 10
    assert sum(c["vip"] and c["tier"] == "enterprise" for c in data.customers) >= 5
    assert all(re.fullmatch(r"[a-z0-9.]+@example\.(com|org)", c["email"])
               for c in data.customers)
    assert len({c["email"] for c in data.customers}) == len(data.customers)
    categories = Counter(t["category"] for t in data.tickets)
    assert set(categories) == set(CATEGORIES) and min(categories.values()) >= 15
    assert {t["status"] for t in data.tickets} == {"new", "open", "pending", "resolved", "closed"}
    assert {t["priority"] for t in data.tickets} == {"low", "normal", "high", "urgent"}


def test_ticket_text_is_filled_in_and_reads_like_a_customer_wrote_it():
    data = generate(now=NOW)
    texts = [t["subject"] for t in data.tickets] + [t["body"] for t in data.tickets]
    texts += [m["body"] for m in data.messages] + [n["body"] for n in data.notes]
    assert not [text for text in texts if re.search(r"[{}]", text)]
    assert len({t["subject"] for t in data.tickets}) >= 100
    assert len({t["body"] for t in data.tickets}) >= 0.9 * len(data.tickets)
    assert all(len(t["subject"]) <= 300 and 40 <= len(t["body"]) for t in data.tickets)
    assert {m["author_type"] for m in data.messages} == {"agent", "customer"}


async def test_demo_data_loads_once_into_an_empty_store(empty_database, tenant):
    crm = CrmService(empty_database)
    await crm.open()
    try:
        assert await crm.is_empty()
        assert await load_demo_if_empty(crm.database, tenant, now=NOW) is True
        assert await load_demo_if_empty(crm.database, tenant, now=NOW) is False
        ada = (await crm.find_customers(tenant, CustomerFilters(email="ada@example.com"))).customers
        assert [(c.id, c.tier, c.vip) for c in ada] == [("C-000001", "enterprise", True)]
        bob = await crm.get_customer(tenant, "C-000002")
        assert (bob.customer.email, bob.customer.tier) == ("bob@example.com", "free")
        carmen = await crm.get_customer(tenant, "C-000003")
        assert [s.status for s in carmen.subscriptions][0] == "past_due"
        for number, email in enumerate(("dev@example.com", "grace@example.org"), start=4):
            profile = await crm.get_customer(tenant, f"C-{number:06d}")
            assert profile.customer.email == email
            ticket = await crm.get_ticket(tenant, f"T-{number:06d}")
            assert ticket.ticket.customer_id == profile.customer.id
        first = await crm.get_ticket(tenant, "T-000001")
        assert (first.ticket.customer_id, first.ticket.priority) == ("C-000001", "urgent")
        assert first.history[0].action == "ticket.created" and first.messages and first.notes
        urgent = await crm.list_tickets(tenant, TicketFilters(priority=["urgent"]), limit=100)
        assert len(urgent.tickets) >= 10
    finally:
        await crm.close()


@pytest.mark.parametrize("load_demo", [True, False])
async def test_the_server_seeds_an_empty_store_on_start_only_when_asked(
    empty_database, tenant, load_demo
):
    server = build_server(CrmService(empty_database), default_tenant=tenant, load_demo=load_demo)
    async with client_for(server, MODERN) as client:
        found = await client.call_tool("find_customers", {"email": "ada@example.com"})
    ids = [customer["id"] for customer in found.structured_content["customers"]]
    assert ids == (["C-000001"] if load_demo else [])
