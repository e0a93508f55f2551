"""A request's events from the local event log, with only safe payload fields shown.

Event payloads are meant to carry ids, labels and counts only, but a timeline is shown to
people and models: it keeps a fixed list of known-safe fields and drops everything else
(free text such as an error message, and anything a newer producer adds).
"""

from __future__ import annotations

import sqlite3
from typing import Protocol

from events import Envelope, Outbox
from servers.workflow.models import TimelineEvent

SAFE_FIELDS = frozenset({
    "actions", "allowed_decisions", "articles", "answer_chars", "approval_id", "category",
    "channel",
    "citations", "confidence", "decided_by", "decision", "engine", "hits", "issues",
    "message_chars", "node", "passed", "pii_kinds", "priority", "reasons", "resolution",
    "retryable", "revision", "route", "sentiment", "stage", "status", "ticket_id",
    "top_score",
})


class RequestEventLog(Protocol):
    async def events_for(self, tenant: str, request_id: str) -> list[Envelope]:
        """The request's events, oldest first."""
        ...

    def describe(self) -> str: ...


def _select(connection: sqlite3.Connection, tenant: str, request_id: str) -> list[str]:
    # The log has no request index: a scan, done in SQLite without parsing every body here.
    rows = connection.execute(
        "SELECT body FROM event_outbox WHERE tenant = ?"
        " AND json_extract(body, '$.request_id') = ? ORDER BY seq",
        (tenant, request_id),
    ).fetchall()
    return [body for (body,) in rows]


class OutboxEventLog:
    """Reads the bus's outbox, which is the local event log."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    async def events_for(self, tenant: str, request_id: str) -> list[Envelope]:
        bodies = await self.outbox.run(_select, tenant, request_id)
        return [Envelope.model_validate_json(body) for body in bodies]

    def describe(self) -> str:
        return f"local event log at {self.outbox.path}"


def timeline_event(event: Envelope) -> TimelineEvent:
    return TimelineEvent(
        event_id=event.id,
        type=event.type,
        occurred_at=event.occurred_at,
        run_id=event.correlation_id,
        details={k: v for k, v in event.payload.items() if k in SAFE_FIELDS},
    )
