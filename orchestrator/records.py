"""Runs and approvals, durably: what the workflow server lists and what any replica resumes.

SQLite in the data directory by default, PostgreSQL when configured (shared by replicas).
A decision is single-use: the conditional UPDATE lets exactly one decider win.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

metadata = sa.MetaData()
SETUP_LOCK_KEY = 0x5D_0C_4E_57  # any constant shared by every replica

runs = sa.Table(
    "orchestrator_runs",
    metadata,
    sa.Column("run_id", sa.String(64), primary_key=True),
    sa.Column("request_id", sa.String(128), nullable=False, index=True),
    sa.Column("tenant", sa.String(128), nullable=False, index=True),
    sa.Column("customer_id", sa.String(64)),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("category", sa.String(64)),
    sa.Column("priority", sa.String(16)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("outcome", sa.Text),
)

approvals = sa.Table(
    "orchestrator_approvals",
    metadata,
    sa.Column("approval_id", sa.String(64), primary_key=True),
    sa.Column("tenant", sa.String(128), nullable=False, index=True),
    sa.Column("run_id", sa.String(64), nullable=False, index=True),
    sa.Column("request_id", sa.String(128), nullable=False),
    sa.Column("interrupt_id", sa.String(128), nullable=False, unique=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("reasons", sa.Text, nullable=False),
    sa.Column("request", sa.Text, nullable=False),
    sa.Column("decision", sa.Text),
    sa.Column("decided_by", sa.String(200)),
    sa.Column("decided_at", sa.DateTime(timezone=True)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)


def now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything here is UTC."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class Records:
    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: AsyncEngine | None = None

    async def open(self) -> None:
        kwargs: dict[str, Any] = {}
        if self.url.startswith("sqlite"):
            kwargs["connect_args"] = {"timeout": 30}
        self._engine = create_async_engine(self.url, **kwargs)
        async with self._engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Replicas starting together would race to create the same tables.
                await conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"),
                                   {"key": SETUP_LOCK_KEY})
            await conn.run_sync(metadata.create_all)

    async def close(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None

    @property
    def engine(self) -> AsyncEngine:
        if self._engine is None:
            raise RuntimeError("Records is not open")
        return self._engine

    async def save_run(self, run: dict[str, Any]) -> None:
        """Insert or update a run's row (its latest status and outcome)."""
        values = {**run, "updated_at": now()}
        if "outcome" in values and not isinstance(values["outcome"], str):
            values["outcome"] = json.dumps(values["outcome"], default=str)
        async with self.engine.begin() as conn:
            updated = await conn.execute(
                runs.update().where(runs.c.run_id == run["run_id"]).values(**values)
            )
            if updated.rowcount == 0:
                await conn.execute(runs.insert().values(created_at=now(), **values))

    async def get_run(self, tenant: str, run_id: str) -> dict[str, Any] | None:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    runs.select().where(runs.c.run_id == run_id, runs.c.tenant == tenant)
                )
            ).mappings().first()
        return run_from_row(row) if row else None

    async def add_approval(self, approval: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """Record a pending approval once per interrupt: (the row, whether it is new)."""
        async with self.engine.begin() as conn:
            existing = (
                await conn.execute(
                    approvals.select().where(
                        approvals.c.interrupt_id == approval["interrupt_id"]
                    )
                )
            ).mappings().first()
            if existing:
                return approval_from_row(existing), False
            row = {
                **approval,
                "status": "pending",
                "reasons": json.dumps(approval["reasons"]),
                "request": json.dumps(approval["request"], default=str),
                "created_at": now(),
            }
            await conn.execute(approvals.insert().values(**row))
        return {**approval, "status": "pending", "created_at": row["created_at"],
                "decision": None, "decided_by": None, "decided_at": None}, True

    async def pending_approvals_for_run(self, tenant: str, run_id: str) -> list[dict[str, Any]]:
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    approvals.select().where(
                        approvals.c.tenant == tenant,
                        approvals.c.run_id == run_id,
                        approvals.c.status == "pending",
                    )
                )
            ).mappings().all()
        return [approval_from_row(row) for row in rows]

    async def get_approval(self, tenant: str, approval_id: str) -> dict[str, Any] | None:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    approvals.select().where(
                        approvals.c.approval_id == approval_id, approvals.c.tenant == tenant
                    )
                )
            ).mappings().first()
        return approval_from_row(row) if row else None

    async def pending_approvals(self, tenant: str, limit: int = 100) -> list[dict[str, Any]]:
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    approvals.select()
                    .where(approvals.c.tenant == tenant, approvals.c.status == "pending")
                    .order_by(approvals.c.created_at)
                    .limit(limit)
                )
            ).mappings().all()
        return [approval_from_row(row) for row in rows]

    async def count_pending(self) -> int:
        """Approvals waiting, across tenants: for the operators' metrics."""
        async with self.engine.connect() as conn:
            return (
                await conn.execute(
                    sa.select(sa.func.count()).select_from(approvals)
                    .where(approvals.c.status == "pending")
                )
            ).scalar_one()

    async def decide(
        self, tenant: str, approval_id: str, decision: dict[str, Any], decided_by: str
    ) -> bool:
        """Record the decision if the approval is still pending; False if someone was first."""
        async with self.engine.begin() as conn:
            result = await conn.execute(
                approvals.update()
                .where(
                    approvals.c.approval_id == approval_id,
                    approvals.c.tenant == tenant,
                    approvals.c.status == "pending",
                )
                .values(status="decided", decision=json.dumps(decision), decided_by=decided_by,
                        decided_at=now())
            )
        return result.rowcount == 1


def run_from_row(row) -> dict[str, Any]:
    run = dict(row)
    run["outcome"] = json.loads(run["outcome"]) if run.get("outcome") else None
    run["created_at"], run["updated_at"] = _aware(run["created_at"]), _aware(run["updated_at"])
    return run


def approval_from_row(row) -> dict[str, Any]:
    approval = dict(row)
    approval["reasons"] = json.loads(approval["reasons"])
    approval["request"] = json.loads(approval["request"])
    approval["decision"] = json.loads(approval["decision"]) if approval["decision"] else None
    approval["created_at"] = _aware(approval["created_at"])
    approval["decided_at"] = _aware(approval["decided_at"])
    return approval
