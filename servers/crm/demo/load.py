"""Load the demo data into an empty CRM, once, even when several processes start together."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from servers.crm.demo.generator import DEFAULT_SEED, generate
from servers.crm.store.bulk import insert_seed
from servers.crm.store.customers import count_all
from servers.crm.store.database import CrmDatabase

logger = logging.getLogger(__name__)

DEMO_CUSTOMERS = 220
DEMO_TICKETS = 600


async def load_demo_if_empty(
    database: CrmDatabase,
    tenant: str,
    *,
    customers: int = DEMO_CUSTOMERS,
    tickets: int = DEMO_TICKETS,
    seed: int = DEFAULT_SEED,
    now: datetime | None = None,
) -> bool:
    """Seed ``tenant`` when the store holds no customers at all; True if it did."""
    async with database.write() as conn:
        await database.setup_lock(conn)
        if await count_all(conn):
            return False
        data = generate(
            customers=customers, tickets=tickets, seed=seed, now=now or datetime.now(UTC)
        )
        await insert_seed(conn, tenant, data)
    logger.info(
        "loaded CRM demo data: %d customers, %d tickets for tenant %s",
        len(data.customers),
        len(data.tickets),
        tenant,
    )
    return True
