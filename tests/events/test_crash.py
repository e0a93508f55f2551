"""The outbox across a crash: a process killed with SIGKILL, a new one relays what it left."""

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from tests.events.collect import read_topic
from tests.support.processes import free_port, killed_after_lines

ROOT = Path(__file__).resolve().parents[2]


def _env(settings, bootstrap: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUPPORTDESK_")}
    env.update(
        SUPPORTDESK_EVENTS_KAFKA_BOOTSTRAP_SERVERS=bootstrap,
        SUPPORTDESK_EVENTS_TOPIC_PREFIX=settings.topic_prefix,
        SUPPORTDESK_EVENTS_KAFKA_REQUEST_TIMEOUT_MS="2000",
        SUPPORTDESK_EVENTS_RELAY_BACKOFF_MAX_SECONDS="0.5",
        SUPPORTDESK_LOG_LEVEL="WARNING",
    )
    return env


def test_events_committed_before_a_kill_are_relayed_by_the_next_process(
    kafka_settings, broker, tmp_path
):
    data_dir = tmp_path / "data"
    # The first process's broker is absent (nothing listens there): its relay holds the
    # lease and keeps failing, so everything it publishes waits in the outbox.
    absent = f"127.0.0.1:{free_port()}"
    committed = killed_after_lines(
        "tests.events.outbox_process", "publish", str(data_dir),
        env=_env(kafka_settings, absent), lines=120,
    )

    with sqlite3.connect(data_dir / "events.db") as db:
        left = [row[0] for row in db.execute("SELECT event_id FROM event_outbox ORDER BY seq")]
        assert db.execute(
            "SELECT count(*) FROM event_outbox WHERE relayed_at IS NOT NULL"
        ).fetchone() == (0,)
    assert left[: len(committed)] == committed

    relay = subprocess.run(
        [sys.executable, "-m", "tests.events.outbox_process", "relay", str(data_dir)],
        cwd=ROOT,
        env=_env(kafka_settings, broker.bootstrap),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert relay.returncode == 0, relay.stderr
    assert relay.stdout.strip() == "relayed"

    records = asyncio.run(read_topic(broker.bootstrap, kafka_settings.topic_for("request")))
    relayed = [json.loads(r.value) for r in sorted(records, key=lambda r: (r.partition, r.offset))]
    assert sorted(e["id"] for e in relayed) == sorted(left)
    numbers = defaultdict(list)
    for event in relayed:
        numbers[event["request_id"]].append(event["payload"]["message_chars"])
    assert all(seq == list(range(len(seq))) for seq in numbers.values())
