"""Notifications waiting to go out, durably: one row per (event, channel), in the shared
database (SQLite in the data directory, PostgreSQL when configured).

Enqueueing is insert-if-absent on that key, so an event consumed twice (a restart, a second
replica reading the same log) queues one delivery. Sending takes a short lease with a
conditional UPDATE, so one replica sends it; a failure schedules the next try with backoff,
and after the last try the row becomes a dead letter with the error's kind.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from core.shared_database import SharedTables, aware

metadata = sa.MetaData()
SETUP_LOCK_KEY = 0x5D_0C_7E_11
LEASE = timedelta(seconds=60)

deliveries = sa.Table(
    "notification_deliveries",
    metadata,
    sa.Column("key", sa.String(120), primary_key=True),
    sa.Column("tenant", sa.String(128), nullable=False),
    sa.Column("type", sa.String(40), nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("status", sa.String(8), nullable=False),  # pending, sent, dead
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("lease_owner", sa.String(128)),
    sa.Column("lease_until", sa.DateTime(timezone=True)),
    sa.Column("last_error", sa.String(200)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True)),
)


def _now() -> datetime:
    return datetime.now(UTC)


class DeliveryStore(SharedTables):
    metadata = metadata
    setup_lock_key = SETUP_LOCK_KEY

    async def enqueue(self, key: str, tenant: str, type_: str, channel: str,
                      payload: dict[str, Any]) -> bool:
        """Queue a delivery once per key; False when it was already queued (or sent)."""
        now = _now()
        async with self.engine.begin() as conn:
            dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
            statement = dialect.insert(deliveries).values(
                key=key, tenant=tenant, type=type_, channel=channel,
                payload=json.dumps(payload), status="pending", attempts=0,
                next_attempt_at=now, created_at=now,
            ).on_conflict_do_nothing(index_elements=["key"])
            return (await conn.execute(statement)).rowcount == 1

    async def claim_due(self, owner: str, limit: int = 20) -> list[dict[str, Any]]:
        """Deliveries due now that this caller now holds (each held by one caller)."""
        now = _now()
        free = sa.or_(deliveries.c.lease_until.is_(None), deliveries.c.lease_until < now)
        async with self.engine.connect() as conn:
            keys = (await conn.execute(
                sa.select(deliveries.c.key)
                .where(deliveries.c.status == "pending", deliveries.c.next_attempt_at <= now, free)
                .order_by(deliveries.c.next_attempt_at).limit(limit)
            )).scalars().all()
        held = []
        for key in keys:
            async with self.engine.begin() as conn:
                taken = await conn.execute(
                    deliveries.update()
                    .where(deliveries.c.key == key, deliveries.c.status == "pending", free)
                    .values(lease_owner=owner, lease_until=now + LEASE)
                )
                if taken.rowcount == 1:
                    row = (await conn.execute(
                        deliveries.select().where(deliveries.c.key == key))).mappings().one()
                    held.append({**row, "payload": json.loads(row["payload"])})
        return held

    async def sent(self, key: str, owner: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                deliveries.update()
                .where(deliveries.c.key == key, deliveries.c.lease_owner == owner)
                .values(status="sent", sent_at=_now(), attempts=deliveries.c.attempts + 1,
                        lease_owner=None, lease_until=None, last_error=None)
            )

    async def failed(self, key: str, owner: str, error: str, attempts: int,
                     max_attempts: int, retry_in: timedelta) -> bool:
        """Record a failed try; True when it was the last (the row is now a dead letter)."""
        dead = attempts >= max_attempts
        async with self.engine.begin() as conn:
            await conn.execute(
                deliveries.update()
                .where(deliveries.c.key == key, deliveries.c.lease_owner == owner)
                .values(status="dead" if dead else "pending", attempts=attempts,
                        next_attempt_at=_now() + retry_in, last_error=error[:200],
                        lease_owner=None, lease_until=None)
            )
        return dead

    async def by_status(self) -> dict[str, int]:
        async with self.engine.connect() as conn:
            rows = (await conn.execute(
                sa.select(deliveries.c.status, sa.func.count()).group_by(deliveries.c.status)
            )).all()
        return {status: count for status, count in rows}

    async def dead_letters(self, limit: int = 100) -> list[dict[str, Any]]:
        async with self.engine.connect() as conn:
            rows = (await conn.execute(
                deliveries.select().where(deliveries.c.status == "dead")
                .order_by(deliveries.c.created_at).limit(limit)
            )).mappings().all()
        return [dict(row) for row in rows]
