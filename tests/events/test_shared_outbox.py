"""Events on PostgreSQL (SUPPORTDESK_EVENTS_DATABASE_URL): committed there first, so a
replica killed before its relay ran loses nothing — another replica delivers its events, once."""

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

from tests.events.collect import read_topic
from tests.events.test_crash import _env
from tests.support.processes import free_port, killed_after_lines
from tests.support.services import postgres_database

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def events_database():
    with postgres_database() as name:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"


async def waiting_ids(url: str) -> list[str]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT event_id FROM events.event_outbox ORDER BY seq")
    finally:
        await conn.close()
    return [row["event_id"] for row in rows]


def test_a_killed_replicas_events_reach_the_log_once_through_another(
    kafka_settings, broker, events_database, tmp_path
):
    shared = {"SUPPORTDESK_EVENTS_DATABASE_URL": events_database}
    # Replica A publishes with no broker to relay to, then is SIGKILLed: its pod is gone,
    # local disk and all.
    absent = f"127.0.0.1:{free_port()}"
    committed = killed_after_lines(
        "tests.events.outbox_process", "publish", str(tmp_path / "a"),
        env={**_env(kafka_settings, absent), **shared}, lines=60,
    )
    left = asyncio.run(waiting_ids(events_database))
    assert left[: len(committed)] == committed

    # Replica B, on a disk of its own, relays them to Kafka.
    relay = subprocess.run(
        [sys.executable, "-m", "tests.events.outbox_process", "relay-shared", str(tmp_path / "b")],
        cwd=ROOT, env={**_env(kafka_settings, broker.bootstrap), **shared},
        capture_output=True, text=True, timeout=90,
    )
    assert relay.returncode == 0, relay.stderr
    assert relay.stdout.strip() == "relayed"

    records = asyncio.run(read_topic(broker.bootstrap, kafka_settings.topic_for("request"),
                                     at_least=len(left)))
    relayed = [json.loads(record.value)["id"] for record in records]
    assert sorted(relayed) == sorted(left)  # every one, once
    assert asyncio.run(waiting_ids(events_database)) == []
