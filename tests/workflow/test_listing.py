"""list_requests: filters and keyset pages over the orchestrator's runs table."""

from datetime import UTC, datetime, timedelta

import pytest
from fastmcp.exceptions import ToolError

from orchestrator.records import runs

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


async def seed_runs(rig, count: int, tenant: str = "demo") -> list[str]:
    """Rows as the orchestrator writes them, one a minute from T0 (two share a minute)."""
    engine = rig.service.orchestrator.records.engine
    rows = []
    for n in range(count):
        created = T0 + timedelta(minutes=n if n != 1 else 0)
        rows.append({
            "run_id": f"run-{n:016x}" if tenant == "demo" else f"run-{tenant}-{n}",
            "request_id": f"req-{tenant}-{n}", "tenant": tenant,
            "customer_id": "C-000002" if n % 2 else "C-000003",
            "status": "resolved" if n % 3 else "pending_approval",
            "category": "billing" if n % 2 else "account", "priority": "normal",
            "created_at": created, "updated_at": created, "outcome": None,
        })
    async with engine.begin() as conn:
        await conn.execute(runs.insert(), rows)
    return [row["run_id"] for row in rows]


async def test_pages_cover_every_run_once_newest_first(rig, era):
    async with rig.clients(era) as (_, workflow):
        await seed_runs(rig, 7)
        await seed_runs(rig, 3, tenant="acme")
        seen, cursor = [], None
        while True:
            args = {"limit": 3} | ({"cursor": cursor} if cursor else {})
            page = (await workflow.call_tool("list_requests", args)).structured_content
            assert len(page["requests"]) <= 3
            seen += [r["run_id"] for r in page["requests"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
    assert len(seen) == 7 and len(set(seen)) == 7
    assert seen[0] == f"run-{6:016x}" and seen[-2:] == [f"run-{1:016x}", f"run-{0:016x}"]


async def test_filters_combine(rig, era):
    async with rig.clients(era) as (_, workflow):
        await seed_runs(rig, 7)

        async def ids(**filters):
            page = (await workflow.call_tool("list_requests", filters)).structured_content
            return sorted(int(r["run_id"][4:], 16) for r in page["requests"])

        assert await ids(status="pending_approval") == [0, 3, 6]
        assert await ids(category="billing") == [1, 3, 5]
        assert await ids(customer_id="C-000003", status="resolved") == [2, 4]
        assert await ids(since=(T0 + timedelta(minutes=2)).isoformat(),
                         until=(T0 + timedelta(minutes=4)).isoformat()) == [2, 3]
        assert await ids(priority="urgent") == []


BAD_FILTERS = [
    ({"cursor": "not-a-cursor"}, "cursor: not a cursor from requests"),
    ({"since": "2026-11-02T10:00:00+00:00", "until": "2026-11-02T09:00:00+00:00"},
     "until: must be later than since"),
    ({"status": "lost"}, "status"),
    ({"customer_id": "bob@example.com"}, "customer_id"),
    ({"limit": 0}, "limit"),
    ({"since": "2026-11-02T10:00:00"}, "since"),
]


async def test_bad_filters_name_the_field(rig, era):
    async with rig.clients(era) as (_, workflow):
        for arguments, message in BAD_FILTERS:
            with pytest.raises(ToolError, match=message):
                await workflow.call_tool("list_requests", arguments)
