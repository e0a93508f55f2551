"""Approvals still waiting after the policy's ``reminder_after``: one approval.reminder each.

A job calls this (once per period across replicas). The event is published before the
approval is marked reminded, with an id stable per approval: a crash between the two
publishes it again under the same id, which the log and the notifier drop as a duplicate —
so a reminder is never lost and never sent twice.
"""

from __future__ import annotations

from datetime import UTC, datetime

from events import EventPublisher, make_event, stable_event_id
from events.types import ApprovalReminder
from orchestrator.policy import Policy
from orchestrator.records import Records


async def remind_waiting_approvals(records: Records, policy: Policy,
                                   publisher: EventPublisher, now: datetime | None = None) -> int:
    """Publish approval.reminder for each approval waiting past its tenant's delay."""
    now = now or datetime.now(UTC)
    shortest = min([policy.notifications.reminder_after,
                    *(t.notifications.reminder_after for t in policy.tenants.values()
                      if t.notifications is not None)])
    sent = 0
    for approval in await records.waiting_since(now - shortest):
        waited = now - approval["created_at"]
        if waited < policy.notices_for(approval["tenant"]).reminder_after:
            continue
        await publisher.publish(make_event(
            ApprovalReminder(approval_id=approval["approval_id"],
                             waiting_minutes=int(waited.total_seconds() // 60)),
            tenant=approval["tenant"], request_id=approval["request_id"],
            correlation_id=approval["run_id"],
            customer_id=(approval.get("request") or {}).get("customer_id"),
            event_id=stable_event_id(approval["approval_id"], "approval.reminder"),
        ))
        sent += await records.mark_reminded(approval["approval_id"])
    return sent
