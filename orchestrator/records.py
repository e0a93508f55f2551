"""Runs and approvals, durably: what the workflow server lists and what any replica resumes.

SQLite in the data directory by default, PostgreSQL when configured (shared by replicas).
A decision is single-use: the conditional UPDATE lets exactly one decider win, and it hands the
run to the winner in the same transaction. A run being driven carries a lease (owner, until),
renewed while it runs: a run whose lease ran out was cut off (a crash, a killed replica) and
any process may claim it — again with a conditional UPDATE — and finish it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any, TypedDict, cast

import sqlalchemy as sa
from core.shared_database import SharedTables, aware

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
    sa.Column("lease_owner", sa.String(64)),
    sa.Column("lease_until", sa.DateTime(timezone=True), index=True),
    sa.Column("input", sa.Text),
)
# Added after the first release: created on open in a store made before them.
LATER_RUN_COLUMNS = ("lease_owner", "lease_until", "input")
ACTIVE = ("running",)

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
    sa.Column("reminded_at", sa.DateTime(timezone=True)),
)
LATER_APPROVAL_COLUMNS = ("reminded_at",)


class RunRecord(TypedDict, total=False):
    """A row of ``orchestrator_runs``, JSON columns parsed; writes may give any subset."""

    run_id: str
    request_id: str
    tenant: str
    customer_id: str | None
    status: str
    category: str | None
    priority: str | None
    created_at: datetime
    updated_at: datetime
    outcome: dict[str, Any] | None
    lease_owner: str | None
    lease_until: datetime | None
    input: dict[str, Any] | None


class ApprovalRecord(TypedDict, total=False):
    """A row of ``orchestrator_approvals``, JSON columns parsed."""

    approval_id: str
    tenant: str
    run_id: str
    request_id: str
    interrupt_id: str
    status: str
    reasons: list[str]
    request: dict[str, Any]
    decision: dict[str, Any] | None
    decided_by: str | None
    decided_at: datetime | None
    created_at: datetime
    reminded_at: datetime | None


def now() -> datetime:
    return datetime.now(UTC)


def _run_values(run: RunRecord) -> dict[str, Any]:
    """The row's columns for ``run``: a run that stops running (resolved, paused, failed …)
    gives up its lease; its input and outcome as JSON."""
    values: dict[str, Any] = {**run, "updated_at": now()}
    if values.get("status") not in (None, *ACTIVE):
        values.update(lease_owner=None, lease_until=None, input=None)
    if "input" in values and values["input"] is not None:
        values["input"] = json.dumps(values["input"])
    if "outcome" in values and not isinstance(values["outcome"], str):
        values["outcome"] = json.dumps(values["outcome"], default=str)
    return values


# Every run writes its row twice: built once, its values bound as it runs (building a
# statement costs SQLAlchemy about as much as running it).
_INSERT_RUN = runs.insert()
_UPDATE_RUN = runs.update().where(runs.c.run_id == sa.bindparam("where_run_id"))


class Records(SharedTables):
    metadata = metadata
    setup_lock_key = SETUP_LOCK_KEY

    def upgrade(self, connection) -> None:
        _add_later_columns(connection)

    async def add_run(self, run: RunRecord) -> None:
        """Insert the row of a run just begun (its id is new)."""
        async with self.engine.begin() as conn:
            await conn.execute(_INSERT_RUN, {"created_at": now(), **_run_values(run)})

    async def save_run(self, run: RunRecord) -> None:
        """Insert or update a run's row: its latest status and outcome (``_run_values``)."""
        values = _run_values(run)
        async with self.engine.begin() as conn:
            updated = await conn.execute(_UPDATE_RUN, {**values, "where_run_id": run["run_id"]})
            if updated.rowcount == 0:
                await conn.execute(_INSERT_RUN, {"created_at": now(), **values})

    async def get_run(self, tenant: str, run_id: str) -> RunRecord | None:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    runs.select().where(runs.c.run_id == run_id, runs.c.tenant == tenant)
                )
            ).mappings().first()
        return run_from_row(row) if row else None

    async def add_approval(self, approval: ApprovalRecord) -> tuple[ApprovalRecord, bool]:
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

    async def pending_approvals_for_run(self, tenant: str, run_id: str) -> list[ApprovalRecord]:
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

    async def get_approval(self, tenant: str, approval_id: str) -> ApprovalRecord | None:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    approvals.select().where(
                        approvals.c.approval_id == approval_id, approvals.c.tenant == tenant
                    )
                )
            ).mappings().first()
        return approval_from_row(row) if row else None

    async def pending_approvals(self, tenant: str, limit: int = 100) -> list[ApprovalRecord]:
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

    async def oldest_pending_since(self) -> datetime | None:
        """When the longest-waiting approval was asked for, across tenants (None: none)."""
        async with self.engine.connect() as conn:
            oldest = (
                await conn.execute(
                    sa.select(sa.func.min(approvals.c.created_at))
                    .where(approvals.c.status == "pending")
                )
            ).scalar_one()
        return aware(oldest)

    async def decide(
        self,
        tenant: str,
        approval_id: str,
        decision: dict[str, Any],
        decided_by: str,
        lease: tuple[str, float],
    ) -> bool:
        """Record the decision if the approval is still pending, and hand its run to the
        decider (running, under ``lease`` = (owner, seconds)); False if someone was first."""
        owner, seconds = lease
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
            if result.rowcount != 1:
                return False
            run_id = (await conn.execute(
                sa.select(approvals.c.run_id).where(approvals.c.approval_id == approval_id)
            )).scalar_one()
            await conn.execute(
                runs.update().where(runs.c.run_id == run_id).values(
                    status="running", lease_owner=owner,
                    lease_until=now() + timedelta(seconds=seconds), updated_at=now(),
                )
            )
        return True

    async def renew_lease(self, run_id: str, owner: str, seconds: float) -> bool:
        """Extend ``owner``'s lease on a running run; False when it is no longer theirs."""
        async with self.engine.begin() as conn:
            result = await conn.execute(
                runs.update()
                .where(runs.c.run_id == run_id, runs.c.lease_owner == owner,
                       runs.c.status.in_(ACTIVE))
                .values(lease_until=now() + timedelta(seconds=seconds))
            )
        return result.rowcount == 1

    async def cut_off_runs(self, limit: int = 20) -> list[RunRecord]:
        """Runs still marked running whose lease ran out (or that never had one)."""
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    runs.select()
                    .where(runs.c.status.in_(ACTIVE),
                           sa.or_(runs.c.lease_until.is_(None), runs.c.lease_until < now()))
                    .order_by(runs.c.updated_at)
                    .limit(limit)
                )
            ).mappings().all()
        return [run_from_row(row) for row in rows]

    async def claim_run(self, run_id: str, owner: str, seconds: float) -> bool:
        """Take over a cut-off run; exactly one claimant wins."""
        async with self.engine.begin() as conn:
            result = await conn.execute(
                runs.update()
                .where(runs.c.run_id == run_id, runs.c.status.in_(ACTIVE),
                       sa.or_(runs.c.lease_until.is_(None), runs.c.lease_until < now()))
                .values(lease_owner=owner, lease_until=now() + timedelta(seconds=seconds),
                        updated_at=now())
            )
        return result.rowcount == 1

    async def waiting_since(self, before: datetime, limit: int = 200) -> list[ApprovalRecord]:
        """Pending approvals created before ``before`` and not yet reminded, oldest first."""
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    approvals.select()
                    .where(approvals.c.status == "pending", approvals.c.reminded_at.is_(None),
                           approvals.c.created_at < before)
                    .order_by(approvals.c.created_at)
                    .limit(limit)
                )
            ).mappings().all()
        return [approval_from_row(row) for row in rows]

    async def mark_reminded(self, approval_id: str) -> bool:
        """Claim the reminder of a still-pending approval; True for exactly one caller."""
        async with self.engine.begin() as conn:
            result = await conn.execute(
                approvals.update()
                .where(approvals.c.approval_id == approval_id,
                       approvals.c.status == "pending", approvals.c.reminded_at.is_(None))
                .values(reminded_at=now())
            )
        return result.rowcount == 1

    async def approval_for_interrupt(self, interrupt_id: str) -> ApprovalRecord | None:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    approvals.select().where(approvals.c.interrupt_id == interrupt_id)
                )
            ).mappings().first()
        return approval_from_row(row) if row else None


def _add_later_columns(sync_conn) -> None:
    """Bring tables from an older release up to date (a plain ADD COLUMN on both)."""
    for table, names in ((runs, LATER_RUN_COLUMNS), (approvals, LATER_APPROVAL_COLUMNS)):
        present = {c["name"] for c in sa.inspect(sync_conn).get_columns(table.name)}
        for name in names:
            if name not in present:
                kind = table.c[name].type.compile(dialect=sync_conn.dialect)
                sync_conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {name} {kind}")


def run_from_row(row) -> RunRecord:
    run = cast(RunRecord, dict(row))
    run["outcome"] = json.loads(run["outcome"]) if run.get("outcome") else None
    run["created_at"], run["updated_at"] = aware(run["created_at"]), aware(run["updated_at"])
    run["lease_until"] = aware(run.get("lease_until"))
    run["input"] = json.loads(run["input"]) if run.get("input") else None
    return run


def approval_from_row(row) -> ApprovalRecord:
    approval = cast(ApprovalRecord, dict(row))
    approval["reasons"] = json.loads(approval["reasons"])
    approval["request"] = json.loads(approval["request"])
    approval["decision"] = json.loads(approval["decision"]) if approval["decision"] else None
    approval["created_at"] = aware(approval["created_at"])
    approval["decided_at"] = aware(approval["decided_at"])
    return approval
