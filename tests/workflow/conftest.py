"""A workflow rig: orchestrator and workflow servers sharing one Orchestrator and a real bus."""

from __future__ import annotations

import sqlite3
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.eras import client_for
from tests.support.services import await_until


@dataclass
class Rig:
    orchestrator_server: object
    workflow_server: object
    service: object
    """The WorkflowService, for calls as another tenant."""
    bus: object
    data_dir: Path

    @asynccontextmanager
    async def clients(self, era: str):
        """(orchestrator client, workflow client), both in memory, in one protocol era."""
        async with client_for(self.workflow_server, era) as workflow:
            async with client_for(self.orchestrator_server, era) as orchestrator:
                yield orchestrator, workflow

    async def caught_up(self, workflow) -> dict:
        """The analytics once the projection has consumed every event in the log, and the
        CRM's outbox (ticket and SLA events, relayed on their own) is empty."""

        async def report():
            if self._crm_events_waiting():
                return None
            out = (await workflow.call_tool("request_analytics", {})).structured_content
            return out if out["events_behind"] == 0 and not self._crm_events_waiting() else None

        return await await_until(report, timeout=15, what="analytics to catch up")

    async def crm_relayed(self) -> None:
        """Once the CRM's outbox is empty: its ticket events are in the log timelines read."""

        async def relayed() -> bool:
            return not self._crm_events_waiting()

        await await_until(relayed, timeout=15, what="the CRM's outbox to be relayed")

    def _crm_events_waiting(self) -> bool:
        with sqlite3.connect(self.data_dir / "crm.db") as conn:
            return conn.execute("SELECT count(*) FROM event_outbox").fetchone()[0] > 0


@pytest.fixture
async def rig(data_dir):
    from events import EventSettings, bus_from_settings
    from servers.settings import CoreSettings
    from servers.orchestrator.wiring import build as build_orchestrator
    from servers.registry import BUILDERS
    from servers.workflow.wiring import build as build_workflow

    core = CoreSettings(data_dir=data_dir, default_tenant="demo")
    bus = bus_from_settings(EventSettings(), data_dir)
    parts = {name: BUILDERS[name](core, bus) for name in ("kb", "crm", "memory")}
    orchestrator = build_orchestrator(core, bus, co_located=parts)
    workflow = build_workflow(core, bus, co_located={**parts, "orchestrator": orchestrator})
    async with bus:
        yield Rig(orchestrator.server, workflow.server, workflow.service, bus, data_dir)
