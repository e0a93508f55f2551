"""Runs cut off by kill -9 are finished exactly once: requests race a real suite over HTTP,
the suite is killed mid-way, and two replicas start on the same stores and race to take the
cut-off runs over — each run is finished by one of them, once."""

import asyncio
import json
import os
import signal
import sqlite3
from collections import Counter

import pytest

from tests.support.eras import client_for
from tests.support.processes import http_server, side_by_side
from tests.support.services import await_until

pytestmark = pytest.mark.integration

RUNS = 12
LEASE = "2"  # seconds: a cut-off run is taken over within ~1.3x this
TERMINAL = {"resolved", "escalated", "rejected", "failed", "pending_approval"}
REQUESTS = [
    ("bob@example.com", "Forgot my password", "How do I reset my password?"),
    ("carmen@example.org", "Refund please", "We paid twice this month. Can we get a refund?"),
    ("dev@example.com", "Export", "How do I export all my projects to CSV?"),
    ("new.person@example.net", "Invite", "How do I invite a teammate to my workspace?"),
]


def rows(path, sql, *params):
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, params).fetchall()


def running(path, at_least: int) -> bool:
    """Whether at least this many runs are under way (the store exists once one started)."""
    return path.exists() and len(rows(path, "SELECT run_id FROM orchestrator_runs "
                                            "WHERE status = 'running'")) >= at_least


async def fire(url: str, n: int) -> None:
    async with client_for(url, "2026-07-28") as client:
        customer, subject, message = REQUESTS[n % len(REQUESTS)]
        await client.call_tool("triage_and_resolve", {
            "customer": customer, "subject": f"{subject} #{n}", "message": message,
            "request_id": f"crash-{n}"})


async def test_runs_cut_off_by_a_kill_are_finished_once_by_one_of_two_replicas(data_dir):
    env = {"SUPPORTDESK_ORCHESTRATOR_RUN_LEASE_SECONDS": LEASE}
    runs_db, crm_db, events_db = (data_dir / name for name in
                                  ("orchestrator.db", "crm.db", "events.db"))
    with http_server("all", data_dir=data_dir, env=env) as first:
        calls = [asyncio.ensure_future(fire(first.mcp_url, n)) for n in range(RUNS)]
        # Kill once a few runs are under way and some are not finished yet.
        await await_until(lambda: asyncio.to_thread(running, runs_db, 3), timeout=30,
                          what="three runs under way")
        os.killpg(first.process.pid, signal.SIGKILL)
        await asyncio.gather(*calls, return_exceptions=True)
    cut_off = rows(runs_db, "SELECT run_id FROM orchestrator_runs WHERE status = 'running'")
    assert cut_off, "the kill came too late to cut any run off"

    with side_by_side([http_server("all", data_dir=data_dir, env=env)
                       for _ in range(2)]) as (one, two):
        await await_until(lambda: asyncio.to_thread(lambda: not running(runs_db, 1)),
                          timeout=30, interval=0.2, what="every cut-off run to be finished")
        statuses = dict(rows(runs_db, "SELECT run_id, status FROM orchestrator_runs"))
        logs = one.stderr() + two.stderr()

    failed = rows(runs_db, "SELECT run_id, outcome FROM orchestrator_runs "
                           "WHERE status = 'failed'")
    assert not failed, (failed, logs[-4000:])
    assert set(statuses.values()) <= TERMINAL, statuses
    # At most one agent reply per run on every ticket, however often a step ran.
    replies = rows(crm_db, "SELECT t.request_id, count(*) FROM ticket_messages m "
                           "JOIN tickets t ON t.id = m.ticket_id WHERE m.author_type = 'agent' "
                           "AND t.request_id LIKE 'crash-%' GROUP BY t.request_id")
    assert all(count == 1 for _, count in replies), replies
    # No logical event twice: one of each type per run (and revision).
    logged = [json.loads(body) for (body,) in rows(events_db, "SELECT body FROM event_outbox")]
    per_run = Counter(
        (e["correlation_id"], e["type"], e["payload"].get("revision"), e["payload"].get("route"))
        for e in logged if e["type"].startswith(("request.", "approval."))
    )
    assert [key for key, n in per_run.items() if n > 1] == []
    # Every run cut off was finished: its reply is on its ticket, its request.* trail ends.
    finished = {e["correlation_id"] for e in logged
                if e["type"] in ("request.resolved", "request.escalated")}
    assert {run for (run,) in cut_off} <= finished
