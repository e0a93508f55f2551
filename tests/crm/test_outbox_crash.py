"""PostgreSQL CRM across a crash: ticket events a killed process committed are carried on by
the next process that runs the suite's relay."""

import json
import sqlite3
from pathlib import Path

import psycopg
import pytest

from tests.support.postgres import POSTGRES_URL, temporary_schema
from tests.support.processes import http_server, killed_after_lines, server_env
from tests.support.services import wait_until

PSYCOPG_URL = POSTGRES_URL.replace("postgresql+asyncpg://", "postgresql://", 1)


@pytest.fixture
def schema():
    with temporary_schema("crm_crash") as name:
        yield name


def staged_tickets(schema: str) -> list[str]:
    with psycopg.connect(PSYCOPG_URL, autocommit=True) as conn:
        rows = conn.execute(
            f'SELECT subject_key FROM "{schema}".event_outbox'
            " WHERE type = 'ticket.created' ORDER BY seq"
        )
        return [row[0] for row in rows]


def logged_tickets(data_dir: Path) -> list[str]:
    """ticket.created events in a process's local log (its events.db)."""
    if not (data_dir / "events.db").exists():
        return []
    with sqlite3.connect(data_dir / "events.db") as db:
        bodies = db.execute(
            "SELECT body FROM event_outbox WHERE type = 'ticket.created' ORDER BY seq"
        ).fetchall()
    return [json.loads(body)["ticket_id"] for (body,) in bodies]


def test_ticket_events_committed_before_a_kill_are_carried_by_the_next_process(
    schema, tmp_path
):
    crm_env = {
        "SUPPORTDESK_CRM_DATABASE_URL": POSTGRES_URL,
        "SUPPORTDESK_CRM_DATABASE_SCHEMA": schema,
        "SUPPORTDESK_EVENTS_RELAY_POLL_SECONDS": "0.1",
    }
    killed_dir, next_dir = tmp_path / "killed", tmp_path / "next"
    committed = killed_after_lines(
        "tests.crm.outbox_process", str(killed_dir),
        env=server_env(killed_dir, crm_env), lines=20,
    )

    staged = staged_tickets(schema)
    # Every committed ticket's event is in PostgreSQL (a last one may have committed unprinted)
    # and none reached the killed process's own log.
    assert staged[: len(committed)] == committed
    assert logged_tickets(killed_dir) == []

    def all_carried() -> list[str] | None:
        found = logged_tickets(next_dir)
        return found if len(found) >= len(staged) else None

    # The rows are another process's, so the next one takes them once they have waited a
    # few seconds (events.postgres_outbox.FOREIGN_AFTER_SECONDS).
    with http_server("crm", data_dir=next_dir, env=crm_env):
        carried = wait_until(all_carried, timeout=20, what="the events in the next log")
        # The drain deletes what it moved once the log has it: the table empties just after.
        wait_until(lambda: staged_tickets(schema) == [], timeout=10, what="an empty table")
    assert carried == staged
