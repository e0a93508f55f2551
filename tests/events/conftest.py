from __future__ import annotations

import pytest

from events import EventSettings
from tests.support.broker import fast_event_settings


@pytest.fixture
def local_settings(tmp_path) -> EventSettings:
    return fast_event_settings(outbox_path=tmp_path / "events.db")


@pytest.fixture
def kafka_settings(tmp_path, broker) -> EventSettings:
    return fast_event_settings(
        outbox_path=tmp_path / "events.db", kafka_bootstrap_servers=broker.bootstrap
    )
