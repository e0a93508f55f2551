"""CRM benchmarks at 10k customers / 50k tickets.

    python -m bench.crm_bench                       # SQLite in a temporary directory
    python -m bench.crm_bench --database-url postgresql+asyncpg://postgres@127.0.0.1/test

1. Seeding: bulk insert of the generated customers and tickets, beside the same tickets
   written one at a time through ``create_ticket`` (the baseline), in rows/s.
2. Serving: ``get_customer`` and ``list_tickets`` calls/s over streamable HTTP, beside a
   trivial ``echo`` tool on the same server, measured interleaved in the same run (ratios).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
import uuid
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from bench.crm_http_target import TENANT
from bench.drive import drive, target
from bench.stats import summary
from servers.crm.demo.generator import generate
from servers.crm.inputs import NewTicket
from servers.crm.service import CrmService
from servers.crm.store.bulk import insert_seed
from servers.crm.store.database import CrmDatabase
from servers.crm.vocabulary import CATEGORIES, CUSTOMER, PRIORITIES, STATUSES, format_id

BASELINE_TICKETS = 500


@asynccontextmanager
async def _store(url: str | None, schema: str | None):
    """The database to fill: the given URL (in a fresh schema on PostgreSQL), or SQLite."""
    with tempfile.TemporaryDirectory() as scratch:
        url = url or f"sqlite+aiosqlite:///{Path(scratch) / 'crm.db'}"
        if url.startswith("postgresql"):
            schema = schema or f"crm_bench_{uuid.uuid4().hex[:8]}"
        database = CrmDatabase(url, schema=schema)
        await database.open()
        try:
            yield database
        finally:
            if schema and database.dialect == "postgresql":
                async with database.write() as conn:
                    await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            await database.close()


async def seed(database: CrmDatabase, customers: int, tickets: int) -> None:
    started = time.perf_counter()
    data = generate(customers=customers, tickets=tickets, now=datetime.now(UTC))
    generated_s = time.perf_counter() - started
    rows = sum(map(len, (data.customers, data.subscriptions, data.tickets, data.messages,
                         data.notes))) + len(data.tickets)  # + one audit row per ticket
    started = time.perf_counter()
    async with database.write() as conn:
        await insert_seed(conn, TENANT, data)
    bulk_s = time.perf_counter() - started

    # Baseline: tickets one at a time through the service (one transaction + audit each).
    crm = CrmService(database)
    rng = random.Random(3)
    started = time.perf_counter()
    for n in range(BASELINE_TICKETS):
        await crm.create_ticket(TENANT, "bench", NewTicket(
            customer_id=format_id(CUSTOMER, rng.randint(1, customers)), subject=f"Bench {n}",
            body="A ticket written one at a time.", category=rng.choice(CATEGORIES)))
    single_s = time.perf_counter() - started

    bulk_rate, single_rate = len(data.tickets) / bulk_s, BASELINE_TICKETS / single_s
    print(f"seeding ({database.dialect}): generated {customers:,} customers / {tickets:,} "
          f"tickets (+{len(data.messages):,} messages) in {generated_s:.1f} s; "
          f"bulk insert of {rows:,} rows in {bulk_s:.1f} s")
    print(f"  bulk insert            {bulk_rate:10,.0f} tickets/s (with messages, notes, audit)")
    print(f"  baseline create_ticket {single_rate:10,.0f} tickets/s (one transaction each)")
    print(f"  bulk/one-at-a-time ratio: {bulk_rate / single_rate:.1f}x")


def _calls(customers: int):
    def get_customer(rng: random.Random) -> dict:
        return {"customer_id": format_id(CUSTOMER, rng.randint(1, customers))}

    def list_tickets(rng: random.Random) -> dict:
        kind = rng.randrange(3)
        if kind == 0:  # the newest page of the whole queue
            return {"limit": 20}
        if kind == 1:  # a triage view: open work of some priorities in one category
            return {"status": rng.sample(STATUSES[:3], 2), "priority": rng.sample(PRIORITIES, 2),
                    "category": rng.choice(CATEGORIES), "limit": 20}
        return {"customer_id": format_id(CUSTOMER, rng.randint(1, customers)), "limit": 20}

    return {"echo": lambda rng: {"text": "hello"}, "get_customer": get_customer,
            "list_tickets": list_tickets}


async def serve(database: CrmDatabase, customers: int, clients: int, calls: int,
                rounds: int) -> None:
    args = ["--database-url", database.url.render_as_string(hide_password=False)]
    if database.schema:
        args += ["--schema", database.schema]
    makers = _calls(customers)
    results = {tool: [0.0, []] for tool in makers}
    with target("bench.crm_http_target", *args) as url:
        for tool, make in makers.items():  # warm up connections, caches and code paths
            await drive(url, tool, make, clients, 10)
        for _ in range(rounds):  # interleaved, so drift hits every tool alike
            for tool, make in makers.items():
                rate, latencies = await drive(url, tool, make, clients, calls)
                results[tool][0] += rate / rounds
                results[tool][1].extend(latencies)
    print(f"streamable HTTP, {clients} concurrent clients, {rounds}x{clients * calls} calls "
          "per tool")
    for tool, (rate, latencies) in results.items():
        stats = summary(latencies)
        print(f"  {tool:13s} {rate:8.1f} calls/s  p50 {stats['p50_ms']:6.2f} ms  "
              f"p99 {stats['p99_ms']:6.2f} ms")
    for tool in ("get_customer", "list_tickets"):
        print(f"  {tool}/echo throughput ratio: {results[tool][0] / results['echo'][0]:.2f}")


async def main_async(args: argparse.Namespace) -> None:
    async with _store(args.database_url, args.schema) as database:
        await seed(database, args.customers, args.tickets)
        await serve(database, args.customers, args.clients, args.calls, args.rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="Default: SQLite in a temporary directory.")
    parser.add_argument("--schema", help="PostgreSQL schema (default: a fresh one, dropped).")
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--tickets", type=int, default=50_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
