"""An outbox row as every store and the log keep it."""

from __future__ import annotations

import time
from collections.abc import Iterable

from events.envelope import Envelope

# (event_id, type, tenant, subject_key, body, written_at)
StoredRow = tuple[str, str, str, str | None, str, float]
STORED_COLUMNS = ("event_id", "type", "tenant", "subject_key", "body", "written_at")


def outbox_rows(events: Iterable[Envelope]) -> list[StoredRow]:
    now = time.time()
    return [
        (event.id, event.type, event.tenant, event.key, event.model_dump_json(), now)
        for event in events
    ]
