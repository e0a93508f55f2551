"""Request analytics: a projection of the request.* events into a small SQLite table, and of
the sla.met / sla.breached events into the share of SLA targets met.

Each request gets one row (category, priority, route, status, escalated, received/resolved
times); a query aggregates the rows of a tenant and time window. The event id is recorded in
the same transaction as its effect, so a redelivered event changes nothing, and the table
survives restarts. Events may arrive in any order: a request's row fills in as they come.
"""

from __future__ import annotations

import sqlite3
import statistics
from collections import Counter
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, Field

from events.envelope import Envelope
from events.sqlite_worker import SQLiteWorker, transaction

FAMILY = "request"
SLA_FAMILY = "sla"
STATUS_BY_TYPE = {
    "request.received": "received",
    "request.triaged": "triaged",
    "request.researched": "researched",
    "request.drafted": "drafted",
    "request.reviewed": "reviewed",
    "request.escalated": "escalated",
    "request.resolved": "resolved",
    "request.failed": "failed",
}
# How far along a request a status is. A status never moves back to an earlier stage, whatever
# the events' clocks say (a producer's clock can step back, a broker can deliver late); within
# one stage the later event wins (a draft and its review alternate while revising; a retried
# request may fail, then resolve).
STAGE = {
    "received": 0, "triaged": 1, "researched": 2, "drafted": 3, "reviewed": 3,
    "escalated": 4, "resolved": 5, "rejected": 5, "failed": 5,
}
_CURRENT_STAGE = "CASE status " + " ".join(
    f"WHEN '{status}' THEN {stage}" for status, stage in STAGE.items()
) + " ELSE -1 END"

DDL = (
    """CREATE TABLE IF NOT EXISTS request_facts (
        tenant TEXT NOT NULL,
        request_id TEXT NOT NULL,
        first_seen_at REAL NOT NULL,
        received_at REAL,
        category TEXT,
        priority TEXT,
        route TEXT,
        status TEXT NOT NULL,
        status_at REAL NOT NULL,
        escalated INTEGER NOT NULL DEFAULT 0,
        resolved_at REAL,
        PRIMARY KEY (tenant, request_id)
    )""",
    "CREATE TABLE IF NOT EXISTS projected_events (event_id TEXT PRIMARY KEY)",
    # One outcome per ticket and target: met, or breached (the CRM raises one or the other).
    """CREATE TABLE IF NOT EXISTS sla_outcomes (
        tenant TEXT NOT NULL,
        ticket_id TEXT NOT NULL,
        target TEXT NOT NULL,
        outcome TEXT NOT NULL,
        at REAL NOT NULL,
        PRIMARY KEY (tenant, ticket_id, target)
    )""",
)


class ResolutionTimes(BaseModel):
    count: int = Field(description="Resolved requests with a known received time.")
    mean_seconds: float | None = None
    p50_seconds: float | None = None
    p90_seconds: float | None = None
    max_seconds: float | None = None


class SlaShare(BaseModel):
    met: int = Field(description="SLA targets met (first response, resolution) in the window.")
    breached: int = Field(description="SLA targets breached in the window.")
    met_rate: float | None = Field(description="Met / (met + breached); None when neither.")


class RequestAnalytics(BaseModel):
    """Support-request statistics for one tenant over a window of received times."""

    tenant: str
    since: datetime | None = Field(description="Window start (inclusive); None = all time.")
    until: datetime | None = Field(description="Window end (exclusive); None = now.")
    total: int = Field(description="Requests received in the window.")
    by_category: dict[str, int] = Field(
        description="Requests per category ('unknown' when not triaged)."
    )
    by_priority: dict[str, int]
    by_status: dict[str, int] = Field(description="Requests per current status.")
    by_route: dict[str, int]
    resolved: int
    escalated: int
    failed: int
    resolution_rate: float = Field(description="Resolved / total (0 when total is 0).")
    escalation_rate: float = Field(description="Escalated / total (0 when total is 0).")
    time_to_resolve: ResolutionTimes
    sla: SlaShare = Field(description="SLA targets met and breached, by when that was known.")


def _apply(connection: sqlite3.Connection, event: Envelope) -> bool:
    """Apply one event unless already applied; True if it changed anything."""
    seen = connection.execute(
        "INSERT OR IGNORE INTO projected_events (event_id) VALUES (?)", (event.id,)
    )
    if seen.rowcount == 0:
        return False
    if event.type in ("sla.met", "sla.breached") and event.ticket_id:
        connection.execute(
            "INSERT OR IGNORE INTO sla_outcomes (tenant, ticket_id, target, outcome, at)"
            " VALUES (?, ?, ?, ?, ?)",
            (event.tenant, event.ticket_id, str(event.payload.get("target")),
             event.type.removeprefix("sla."), event.occurred_at.timestamp()),
        )
        return True
    status = STATUS_BY_TYPE.get(event.type)
    if status is None or event.request_id is None:
        return False
    # Payloads are read as plain fields, not validated: a producer that sends more (or fewer)
    # fields than the typed model must not send its events to the dead-letter log.
    fields = event.payload
    if event.type == "request.resolved" and "rejected" in (
        fields.get("status"), fields.get("resolution")
    ):
        status = "rejected"
    at = event.occurred_at.timestamp()
    key = (event.tenant, event.request_id)
    connection.execute(
        "INSERT INTO request_facts (tenant, request_id, first_seen_at, status, status_at)"
        " VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT(tenant, request_id) DO UPDATE SET"
        "  first_seen_at = min(first_seen_at, excluded.first_seen_at)",
        (*key, at, status, at),
    )
    connection.execute(
        "UPDATE request_facts SET status = ?, status_at = ?"
        " WHERE tenant = ? AND request_id = ?"
        f" AND ({_CURRENT_STAGE} < ? OR ({_CURRENT_STAGE} = ? AND status_at <= ?))",
        (status, at, *key, STAGE[status], STAGE[status], at),
    )
    if event.type == "request.received":
        connection.execute(
            "UPDATE request_facts SET received_at = ? WHERE tenant = ? AND request_id = ?",
            (at, *key),
        )
    elif event.type == "request.escalated":
        connection.execute(
            "UPDATE request_facts SET escalated = 1 WHERE tenant = ? AND request_id = ?", key
        )
    elif event.type == "request.resolved" and status == "resolved":
        connection.execute(
            "UPDATE request_facts SET resolved_at = max(coalesce(resolved_at, 0), ?)"
            " WHERE tenant = ? AND request_id = ?",
            (at, *key),
        )
    elif event.type == "request.triaged":
        # The route triage guessed counts only until the run says which route it took.
        connection.execute(
            "UPDATE request_facts SET category = coalesce(?, category),"
            " priority = coalesce(?, priority), route = coalesce(route, ?)"
            " WHERE tenant = ? AND request_id = ?",
            (fields.get("category"), fields.get("priority"), fields.get("route"), *key),
        )
    if event.type in ("request.escalated", "request.resolved") and fields.get("route"):
        connection.execute(
            "UPDATE request_facts SET route = ? WHERE tenant = ? AND request_id = ?",
            (fields["route"], *key),
        )
    return True


def _setup(connection: sqlite3.Connection) -> None:
    for statement in DDL:
        connection.execute(statement)


def _rows(
    connection: sqlite3.Connection, tenant: str, since: float | None, until: float | None
) -> list[tuple]:
    return connection.execute(
        "SELECT category, priority, route, status, escalated, received_at, resolved_at"
        " FROM request_facts WHERE tenant = ?"
        " AND (? IS NULL OR coalesce(received_at, first_seen_at) >= ?)"
        " AND (? IS NULL OR coalesce(received_at, first_seen_at) < ?)",
        (tenant, since, since, until, until),
    ).fetchall()


def _sla_counts(
    connection: sqlite3.Connection, tenant: str, since: float | None, until: float | None
) -> dict[str, int]:
    return dict(connection.execute(
        "SELECT outcome, count(*) FROM sla_outcomes WHERE tenant = ?"
        " AND (? IS NULL OR at >= ?) AND (? IS NULL OR at < ?) GROUP BY outcome",
        (tenant, since, since, until, until),
    ).fetchall())


def _percentile(ordered: list[float], q: float) -> float:
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _summarise(
    tenant: str, since: datetime | None, until: datetime | None, rows: list[tuple],
    sla: dict[str, int],
) -> RequestAnalytics:
    total = len(rows)
    statuses = Counter(row[3] for row in rows)
    escalated = sum(row[4] for row in rows)
    durations = sorted(
        row[6] - row[5] for row in rows if row[3] == "resolved" and row[5] and row[6]
    )
    times = ResolutionTimes(count=len(durations))
    if durations:
        times = ResolutionTimes(
            count=len(durations),
            mean_seconds=statistics.fmean(durations),
            p50_seconds=_percentile(durations, 0.5),
            p90_seconds=_percentile(durations, 0.9),
            max_seconds=durations[-1],
        )
    return RequestAnalytics(
        tenant=tenant,
        since=since,
        until=until,
        total=total,
        by_category=dict(Counter(row[0] or "unknown" for row in rows)),
        by_priority=dict(Counter(row[1] or "unknown" for row in rows)),
        by_status=dict(statuses),
        by_route=dict(Counter(row[2] or "unknown" for row in rows)),
        resolved=statuses["resolved"],
        escalated=escalated,
        failed=statuses["failed"],
        resolution_rate=statuses["resolved"] / total if total else 0.0,
        escalation_rate=escalated / total if total else 0.0,
        time_to_resolve=times,
        sla=SlaShare(met=sla.get("met", 0), breached=sla.get("breached", 0),
                     met_rate=sla.get("met", 0) / sum(sla.values()) if sla else None),
    )


class RequestAnalyticsProjection:
    """Feed it request.* and sla.* events (``handle``), ask it for ``analytics``; SQLite at
    ``path``."""

    families = frozenset({FAMILY, SLA_FAMILY})

    def __init__(self, path: Path) -> None:
        self.path = path
        self._worker = SQLiteWorker(path, setup=_setup, name="analytics")

    async def handle(self, event: Envelope) -> None:
        """Apply ``event`` once: a duplicate (same event id) is a no-op."""
        if event.family in self.families:
            await self._worker.run(transaction, _apply, event)

    async def analytics(
        self, tenant: str, since: datetime | None = None, until: datetime | None = None
    ) -> RequestAnalytics:
        """Counts by category/priority/status/route, rates and time to resolve, for requests
        of ``tenant`` received in [since, until)."""
        window = (since.timestamp() if since else None, until.timestamp() if until else None)
        rows = await self._worker.run(_rows, tenant, *window)
        sla = await self._worker.run(_sla_counts, tenant, *window)
        return _summarise(tenant, since, until, rows, sla)

    async def close(self) -> None:
        await self._worker.close()
