"""Which replica runs a scheduled job this period: one row per job in the shared database
(SQLite in the data directory, PostgreSQL when configured), taken with a conditional UPDATE.

A job's period is ``floor(epoch / every)``; moving the row's period forward succeeds for one
replica only, so a job runs once per period however many replicas tick. A run by hand takes
the job's lease instead, so it never overlaps a scheduled run.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from core.shared_database import SharedTables, aware

metadata = sa.MetaData()
SETUP_LOCK_KEY = 0x5D_0C_10_B5

scheduled_jobs = sa.Table(
    "scheduled_jobs",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("period", sa.BigInteger, nullable=False),
    sa.Column("lease_owner", sa.String(128)),
    sa.Column("lease_until", sa.DateTime(timezone=True)),
    sa.Column("last_started", sa.DateTime(timezone=True)),
    sa.Column("last_finished", sa.DateTime(timezone=True)),
    sa.Column("last_outcome", sa.String(16)),
    sa.Column("last_detail", sa.String(300)),
    sa.Column("runs", sa.Integer, nullable=False, default=0),
    sa.Column("failures", sa.Integer, nullable=False, default=0),
)


def _now() -> datetime:
    return datetime.now(UTC)


class JobStore(SharedTables):
    metadata = metadata
    setup_lock_key = SETUP_LOCK_KEY

    async def _ensure(self, conn, name: str) -> None:
        exists = (await conn.execute(
            sa.select(scheduled_jobs.c.name).where(scheduled_jobs.c.name == name))).first()
        if exists is None:
            try:
                async with conn.begin_nested():
                    await conn.execute(scheduled_jobs.insert().values(
                        name=name, period=-1, runs=0, failures=0))
            except sa.exc.IntegrityError:
                pass  # another replica added it first

    async def claim_period(self, name: str, period: int, owner: str, lease: timedelta) -> bool:
        """Take ``period`` of job ``name``; True for exactly one caller per period."""
        now = _now()
        async with self.engine.begin() as conn:
            await self._ensure(conn, name)
            result = await conn.execute(
                scheduled_jobs.update()
                .where(scheduled_jobs.c.name == name, scheduled_jobs.c.period < period)
                .values(period=period, lease_owner=owner, lease_until=now + lease,
                        last_started=now)
            )
        return result.rowcount == 1

    async def claim_now(self, name: str, owner: str, lease: timedelta) -> bool:
        """Take the job for a run by hand, unless a run holds it."""
        now = _now()
        async with self.engine.begin() as conn:
            await self._ensure(conn, name)
            result = await conn.execute(
                scheduled_jobs.update()
                .where(scheduled_jobs.c.name == name,
                       sa.or_(scheduled_jobs.c.lease_until.is_(None),
                              scheduled_jobs.c.lease_until < now))
                .values(lease_owner=owner, lease_until=now + lease, last_started=now)
            )
        return result.rowcount == 1

    async def finish(self, name: str, owner: str, outcome: str, detail: str) -> None:
        failed = 1 if outcome != "ok" else 0
        async with self.engine.begin() as conn:
            await conn.execute(
                scheduled_jobs.update()
                .where(scheduled_jobs.c.name == name, scheduled_jobs.c.lease_owner == owner)
                .values(lease_owner=None, lease_until=None, last_finished=_now(),
                        last_outcome=outcome, last_detail=detail[:300],
                        runs=scheduled_jobs.c.runs + 1,
                        failures=scheduled_jobs.c.failures + failed)
            )

    async def status(self) -> dict[str, dict[str, Any]]:
        async with self.engine.connect() as conn:
            rows = (await conn.execute(scheduled_jobs.select())).mappings().all()
        return {
            row["name"]: {
                "last_started": aware(row["last_started"]),
                "last_finished": aware(row["last_finished"]),
                "last_outcome": row["last_outcome"],
                "last_detail": row["last_detail"],
                "runs": row["runs"],
                "failures": row["failures"],
                "running": row["lease_owner"] is not None,
            }
            for row in rows
        }
