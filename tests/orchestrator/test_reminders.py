"""An approval still waiting after the policy's delay gets one approval.reminder, however
many replicas run the job at once; a decided one gets none."""

import asyncio
from datetime import UTC, datetime, timedelta

from events import MemoryPublisher
from orchestrator.policy import Policy
from orchestrator.records import Records
from orchestrator.reminders import remind_waiting_approvals

POLICY = Policy.model_validate({
    "notifications": {"reminder_after": "30m"},
    "tenants": {"slow": {"notifications": {"reminder_after": "4h"}}},
})


async def waiting(records: Records, approval_id: str, tenant: str = "demo") -> None:
    await records.add_approval({
        "approval_id": approval_id, "tenant": tenant, "run_id": f"run-{approval_id}",
        "request_id": f"req-{approval_id}", "interrupt_id": f"int-{approval_id}",
        "reasons": ["money back requested (refund)"],
        "request": {"customer_id": "C-000001", "subject": "Refund"},
    })


async def test_a_waiting_approval_is_reminded_once_by_racing_replicas(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'runs.db'}"
    replicas = [Records(url) for _ in range(3)]
    for records in replicas:
        await records.open()
    try:
        await waiting(replicas[0], "apr_a")
        await waiting(replicas[0], "apr_b")
        await waiting(replicas[0], "apr_slow", tenant="slow")
        await waiting(replicas[0], "apr_done")
        assert await replicas[0].decide("demo", "apr_done", {"type": "approve"}, "lead",
                                        ("me", 30))
        publisher = MemoryPublisher()
        soon = datetime.now(UTC) + timedelta(minutes=10)
        assert await remind_waiting_approvals(replicas[0], POLICY, publisher, soon) == 0
        later = datetime.now(UTC) + timedelta(hours=1)
        counts = await asyncio.gather(*(remind_waiting_approvals(r, POLICY, publisher, later)
                                        for r in replicas))
        again = await remind_waiting_approvals(replicas[1], POLICY, publisher, later)
    finally:
        for records in replicas:
            await records.close()
    assert sum(counts) == 2 and again == 0
    reminded = {e.payload["approval_id"]: e.id for e in publisher.events}
    assert set(reminded) == {"apr_a", "apr_b"}  # not the decided one, not "slow" yet
    # Replicas racing may publish the same reminder, under one stable id the log keeps once.
    assert len({e.id for e in publisher.events}) == 2
    assert all(e.type == "approval.reminder" and e.payload["waiting_minutes"] >= 59
               for e in publisher.events)
