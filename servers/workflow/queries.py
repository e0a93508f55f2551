"""Read-only queries over the orchestrator's runs and approvals, always within one tenant.

Runs are listed newest first with keyset pages on (created_at, run_id): a page starts strictly
after the last row of the previous one, so runs started meanwhile never shift a page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio.engine import AsyncEngine

from orchestrator.records import approval_from_row, approvals, run_from_row, runs


@dataclass(frozen=True)
class RunFilters:
    status: str | None = None
    category: str | None = None
    priority: str | None = None
    customer_id: str | None = None
    since: datetime | None = None
    """Runs created at or after (aware datetime)."""
    until: datetime | None = None
    """Runs created before (aware datetime)."""


def _utc(moment: datetime) -> datetime:
    # Stored as UTC; SQLite keeps no offset, so compare like with like.
    return moment.astimezone(UTC)


async def list_runs(
    engine: AsyncEngine,
    tenant: str,
    filters: RunFilters,
    after: tuple[datetime, str] | None,
    limit: int,
) -> list[dict[str, Any]]:
    """Up to ``limit`` runs of ``tenant`` matching ``filters``, newest first, after ``after``."""
    query = runs.select().where(runs.c.tenant == tenant)
    for column, value in (
        (runs.c.status, filters.status),
        (runs.c.category, filters.category),
        (runs.c.priority, filters.priority),
        (runs.c.customer_id, filters.customer_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if filters.since is not None:
        query = query.where(runs.c.created_at >= _utc(filters.since))
    if filters.until is not None:
        query = query.where(runs.c.created_at < _utc(filters.until))
    if after is not None:
        created, run_id = _utc(after[0]), after[1]
        query = query.where(
            sa.or_(
                runs.c.created_at < created,
                sa.and_(runs.c.created_at == created, runs.c.run_id < run_id),
            )
        )
    query = query.order_by(runs.c.created_at.desc(), runs.c.run_id.desc()).limit(limit)
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).mappings().all()
    return [run_from_row(row) for row in rows]


async def runs_of_request(engine: AsyncEngine, tenant: str, request_id: str) -> list[dict]:
    """Every run of one request, newest first."""
    query = (
        runs.select()
        .where(runs.c.tenant == tenant, runs.c.request_id == request_id)
        .order_by(runs.c.created_at.desc(), runs.c.run_id.desc())
    )
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).mappings().all()
    return [run_from_row(row) for row in rows]


async def approval_of_run(engine: AsyncEngine, tenant: str, run_id: str) -> dict | None:
    """The run's latest approval, pending or decided."""
    query = (
        approvals.select()
        .where(approvals.c.tenant == tenant, approvals.c.run_id == run_id)
        .order_by(approvals.c.created_at.desc())
        .limit(1)
    )
    async with engine.connect() as conn:
        row = (await conn.execute(query)).mappings().first()
    return approval_from_row(row) if row else None


async def pending_approvals(
    engine: AsyncEngine, tenant: str, limit: int
) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """Pending approvals, oldest first, each with its run (for category and priority)."""
    query = (
        sa.select(approvals, runs.c.category.label("run_category"),
                  runs.c.priority.label("run_priority"))
        .select_from(approvals.outerjoin(runs, runs.c.run_id == approvals.c.run_id))
        .where(approvals.c.tenant == tenant, approvals.c.status == "pending")
        .order_by(approvals.c.created_at, approvals.c.approval_id)
        .limit(limit)
    )
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).mappings().all()
    found = []
    for row in rows:
        values = dict(row)
        run = {"category": values.pop("run_category"), "priority": values.pop("run_priority")}
        found.append((approval_from_row(values), run))
    return found
