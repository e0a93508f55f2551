"""The CRM service and server built from settings, with the SLA scan job."""

from __future__ import annotations

from events import EventBus, EventPublisher
from orchestrator.policy import PolicySettings, policy_from_settings
from servers.built import BuiltServer, every
from servers.crm.server import build_server
from servers.crm.service import CrmService
from servers.crm.settings import CrmSettings
from servers.crm.store.database import CrmDatabase
from servers.jobs import Job
from servers.jobs.settings import JobsSettings
from servers.settings import CoreSettings


def crm_service(core: CoreSettings, publisher: EventPublisher) -> CrmService:
    """The CRM service from settings (not yet open), its events wired to ``publisher``, its
    SLA targets and assignment from the team's policy."""
    settings = CrmSettings()
    database = CrmDatabase.from_settings(settings, core.data_dir)
    source = database.event_source()
    if source is not None and isinstance(publisher, EventBus):
        # Ticket events commit with the ticket, in the CRM's own database (crm.db or its
        # PostgreSQL schema); the bus's relay carries them on, woken by each such commit.
        database.transactional_outbox = True
        database.events_committed = publisher.wake
        publisher.add_source(source)
    return CrmService(database, publisher=publisher,
                      new_customer_tier=settings.new_customer_tier,
                      policy=policy_from_settings(PolicySettings()))


def build(core: CoreSettings, publisher: EventPublisher) -> BuiltServer:
    crm = crm_service(core, publisher)

    async def readiness() -> dict[str, bool | str]:
        return {"crm_store": await crm.ready()}

    async def sla_scan() -> str:
        return f"{await crm.scan_sla()} SLA alerts raised"

    server = build_server(crm, publisher=publisher, default_tenant=core.default_tenant,
                          load_demo=core.load_demo_data)
    scan = Job("sla-scan", every(JobsSettings().sla_scan_seconds), sla_scan,
               "Raise sla.warning and sla.breached for tickets' clocks running out.")
    return BuiltServer(server, readiness, {"crm": crm.database.describe()}, service=crm,
                       jobs=(scan,))
