"""The notifier of a served process, from settings: channels, the delivery store beside the
orchestrator's records, the policy, and subject lookups in the servers served here."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from events import EventBus
from servers.background import in_background
from servers.notify.email import EmailChannel
from servers.notify.notifier import Channel, Notifier, Outcome, SubjectLookup
from servers.notify.settings import NotifySettings
from servers.notify.webhook import WebhookChannel


def channels_from(settings: NotifySettings) -> list[Channel]:
    channels: list[Channel] = []
    if settings.webhook_url is not None:
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        channels.append(WebhookChannel(str(settings.webhook_url), secret,
                                       settings.webhook_format))
    if settings.smtp_host is not None:
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        channels.append(EmailChannel(
            settings.smtp_host, settings.smtp_port, sender=settings.smtp_from,
            starttls=settings.smtp_starttls, ca_file=settings.smtp_ca_file,
            username=settings.smtp_username, password=password,
        ))
    return channels


def subject_lookup(crm: Any | None, records: Any | None) -> SubjectLookup:
    """The ticket's subject from the CRM, or the request's from its approval record."""

    async def subject(tenant: str, ids: dict[str, str]) -> str | None:
        try:
            if "ticket_id" in ids and crm is not None:
                return (await crm.get_ticket(tenant, ids["ticket_id"])).ticket.subject
            if "approval_id" in ids and records is not None:
                approval = await records.get_approval(tenant, ids["approval_id"])
                return (approval or {}).get("request", {}).get("subject")
        except Exception:  # not found, or the store is away: the notice goes without it
            return None
        return None

    return subject


def notifier_for(data_dir: Path, crm: Any | None, records: Any | None,
                 on_outcome: Outcome | None = None) -> Notifier | None:
    """None when no channel is configured."""
    from orchestrator.policy import PolicySettings, policy_from_settings
    from orchestrator.settings import OrchestratorSettings
    from servers.notify.deliveries import DeliveryStore

    settings = NotifySettings()
    if not settings.any_channel:
        return None
    where = OrchestratorSettings()
    store = DeliveryStore(where.runs_url(data_dir), schema=where.database_schema)
    return Notifier(store, channels_from(settings), policy_from_settings(PolicySettings()),
                    settings, subjects=subject_lookup(crm, records), on_outcome=on_outcome)


@contextlib.asynccontextmanager
async def notifying(notifier: Notifier, bus: EventBus) -> AsyncIterator[Notifier]:
    async with in_background("notifier", notifier.store, lambda: notifier.run(bus),
                             notifier.stop):
        yield notifier
