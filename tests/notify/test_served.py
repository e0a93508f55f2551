"""The whole path in real processes: two replicas of ``supportdesk serve`` on one data
directory, a real HTTP receiver and a real SMTP server. A refund waiting for approval and the
SLA breaches the scan finds in the demo data are told once each — across the two replicas
and after a restart — and the jobs show in /readyz and /metrics."""

import hashlib
import hmac
import time
from collections import Counter
from datetime import UTC, datetime

import httpx
import pytest

from tests.support.eras import client_for
from tests.support.processes import (
    SUPPORTDESK,
    RunningServer,
    http_server,
    server_env,
    side_by_side,
)
from tests.support.receivers import HttpReceiver, SmtpReceiver

pytestmark = pytest.mark.integration

SECRET = "whsec-served-test"
POLICY = """\
[notifications]
reminder_after = "1h"
[notifications.recipients]
"approval.waiting" = ["lead@acme.test"]
"""
REFUND = {"customer": "carmen@example.org", "subject": "Refund please",
          "message": "We paid twice this month. Can we get a refund?",
          "request_id": "notify-refund-1"}


def settled(receiver: HttpReceiver, seconds: float = 3.0, timeout: float = 60.0) -> list:
    """What the receiver got, once nothing new arrived for ``seconds``."""
    deadline, seen, quiet_since = time.monotonic() + timeout, -1, time.monotonic()
    while time.monotonic() < deadline:
        if len(receiver.received) != seen:
            seen, quiet_since = len(receiver.received), time.monotonic()
        elif time.monotonic() - quiet_since >= seconds:
            break
        time.sleep(0.1)
    return list(receiver.received)


def scanned_after(server: RunningServer, moment: datetime, timeout: float = 30.0) -> None:
    """Wait until /readyz shows an SLA scan that finished after ``moment``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        last_run = httpx.get(f"{server.base_url}/readyz").json()["jobs"]["sla-scan"]["last_run"]
        if last_run and datetime.fromisoformat(last_run) > moment:
            return
        time.sleep(0.1)
    raise TimeoutError(f"no SLA scan after {moment} within {timeout}s")


async def test_two_replicas_and_a_restart_tell_each_thing_once(data_dir, tmp_path):
    receiver, smtp = HttpReceiver().start(), SmtpReceiver(tmp_path).start()
    (tmp_path / "policy.toml").write_text(POLICY)
    env = {
        "SUPPORTDESK_POLICY_PATH": str(tmp_path / "policy.toml"),
        "SUPPORTDESK_NOTIFY_WEBHOOK_URL": receiver.url,
        "SUPPORTDESK_NOTIFY_WEBHOOK_SECRET": SECRET,
        "SUPPORTDESK_NOTIFY_SMTP_HOST": "127.0.0.1",
        "SUPPORTDESK_NOTIFY_SMTP_PORT": str(smtp.port),
        "SUPPORTDESK_NOTIFY_SMTP_CA_FILE": str(smtp.ca_file),
        "SUPPORTDESK_NOTIFY_SMTP_USERNAME": smtp.username,
        "SUPPORTDESK_NOTIFY_SMTP_PASSWORD": smtp.password,
        "SUPPORTDESK_NOTIFY_POLL_SECONDS": "0.2",
        "SUPPORTDESK_JOBS_SLA_SCAN_SECONDS": "2",
        "SUPPORTDESK_JOBS_TICK_SECONDS": "0.2",
    }
    try:
        with side_by_side([http_server("all", data_dir=data_dir, env=env)
                           for _ in range(2)]) as (one, two):
            async with client_for(one.mcp_url, "2026-07-28") as client:
                out = (await client.call_tool("triage_and_resolve", REFUND)).structured_content
            assert out["status"] == "pending_approval"
            first = settled(receiver)
            ready = httpx.get(f"{two.base_url}/readyz").json()
            metrics = httpx.get(f"{one.base_url}/metrics").text + httpx.get(
                f"{two.base_url}/metrics").text
        restarted_at = datetime.now(UTC)
        with http_server("all", data_dir=data_dir, env=env) as restarted:
            # A restart re-reads the log and scans again: wait for its scan, then for quiet.
            scanned_after(restarted, restarted_at)
            after_restart = settled(receiver, seconds=1.5)
    finally:
        receiver.stop()
        smtp.stop()

    types = Counter(r.json["type"] for r in first)
    assert types["approval.waiting"] == 1
    assert types["sla.breached"] >= 5  # the demo data's open tickets nobody answered in time
    keys = [r.headers["X-Supportdesk-Delivery"] for r in after_restart]
    assert len(keys) == len(set(keys)) == len(first), "a notification was sent twice"
    for got in first:
        digest = hmac.new(SECRET.encode(), got.body, hashlib.sha256).hexdigest()
        assert got.headers["X-Supportdesk-Signature"] == f"sha256={digest}"
    [waiting] = [r.json for r in first if r.json["type"] == "approval.waiting"]
    assert waiting["subject"] == "Refund please"
    assert waiting["ids"]["request_id"] == "notify-refund-1"
    assert "carmen" not in str(waiting)  # ids and subject only: no contact details
    [(recipients, message)] = smtp.wait_for(1)
    assert recipients == ["lead@acme.test"] and "approval.waiting" in message["Subject"]
    assert ready["checks"]["jobs"] is True
    assert ready["jobs"]["sla-scan"]["outcome"] == "ok" and ready["jobs"]["sla-scan"]["last_run"]
    assert 'supportdesk_job_runs_total{job="sla-scan",outcome="ok"}' in metrics
    assert 'supportdesk_notifications_total{channel="webhook",outcome="sent"}' in metrics


def test_jobs_are_listed_and_run_by_hand(data_dir):
    import subprocess

    env = server_env(data_dir)
    # Three commands side by side: each opens the suite on its own (seconds apiece).
    started = [subprocess.Popen([SUPPORTDESK, "jobs", *args], env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
               for args in (["list"], ["run", "sla-scan"], ["run", "nope"])]
    (listed, listed_err), (ran, ran_err), (_, unknown_err) = (
        process.communicate(timeout=120) for process in started)
    assert started[0].returncode == 0, listed_err
    names = [line.split()[0] for line in listed.splitlines() if line[:1].strip()]
    assert names == ["sla-scan", "memory-upkeep", "approval-reminders", "analytics-catch-up",
                     "event-retention"]
    assert started[1].returncode == 0 and ran.startswith("sla-scan: ok — "), ran_err
    assert started[2].returncode == 2 and "no job 'nope'" in unknown_err
