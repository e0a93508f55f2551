"""What reached Kafka, and what each replica's outbox still holds, for one support request."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path

from tests.events.collect import read_topic
from tests.support.services import await_until

FAMILIES = ("request", "approval", "ticket")


async def events_in_kafka(bootstrap: str, topic_prefix: str, request_id: str) -> list[dict]:
    """Every event about ``request_id`` in the request/approval/ticket topics, as dicts."""
    found: list[dict] = []
    for family in FAMILIES:
        for record in await read_topic(bootstrap, f"{topic_prefix}.{family}"):
            event = json.loads(record.value)
            if event.get("request_id") == request_id:
                found.append(event)
    return found


def events_in_outbox(data_dir: Path, request_id: str) -> list[dict]:
    """Events about ``request_id`` a replica wrote to its outbox (readable after a kill)."""
    path = data_dir / "events.db"
    with sqlite3.connect(path) as conn:
        bodies = conn.execute("SELECT body FROM event_outbox").fetchall()
    events = [json.loads(body) for (body,) in bodies]
    return [e for e in events if e.get("request_id") == request_id and e["type"].split(".")[0]
            in FAMILIES]


def unrelayed(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "events.db") as conn:
        return conn.execute(
            "SELECT count(*) FROM event_outbox WHERE relayed_at IS NULL"
        ).fetchone()[0]


async def wait_for_event(bootstrap: str, topic_prefix: str, request_id: str, event_type: str,
                         timeout: float = 20.0) -> list[dict]:
    async def arrived() -> list[dict] | None:
        events = await events_in_kafka(bootstrap, topic_prefix, request_id)
        return events if any(e["type"] == event_type for e in events) else None

    return await await_until(arrived, timeout=timeout, interval=0.1,
                             what=f"{event_type} of {request_id} in Kafka")


def type_counts(events: list[dict]) -> Counter:
    return Counter(e["type"] for e in events)
