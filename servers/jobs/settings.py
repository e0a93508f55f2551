"""How often each scheduled job runs (seconds), and whether ``serve`` runs them at all."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class JobsSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SUPPORTDESK_JOBS_", extra="ignore", env_ignore_empty=True
    )

    enabled: bool = Field(
        default=True, description="Run the scheduled jobs inside `supportdesk serve`."
    )
    database_url: SecretStr | None = Field(
        default=None, description="Where replicas take turns (job leases): a database every "
        "replica of every server reaches, e.g. the orchestrator's PostgreSQL; default: "
        "SUPPORTDESK_ORCHESTRATOR_DATABASE_URL, else SQLite in the data directory.",
    )
    tick_seconds: float = Field(default=1.0, gt=0, description="How often due jobs are looked for.")
    sla_scan_seconds: float = Field(
        default=60, gt=0, description="SLA scan: sla.warning and sla.breached events."
    )
    approval_reminder_seconds: float = Field(
        default=60, gt=0, description="Reminders for approvals still waiting."
    )
    event_retention_seconds: float = Field(
        default=3600, gt=0, description="Event-log retention (the outbox's old rows)."
    )
    memory_upkeep_seconds: float = Field(
        default=3600, gt=0, description="Long-term memory: expiry, compaction, indexes."
    )
    kb_upkeep_seconds: float = Field(
        default=300, gt=0, description="Knowledge base on object storage: indexes, compaction."
    )
    analytics_seconds: float = Field(
        default=60, gt=0, description="Analytics catch-up: feed the projection what it missed."
    )
