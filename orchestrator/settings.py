"""Orchestrator settings: where runs are kept, where the other servers are, sealing keys."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.shared_database import asyncpg_url


class OrchestratorSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SUPPORTDESK_ORCHESTRATOR_", extra="ignore", env_ignore_empty=True
    )

    database_url: SecretStr | None = Field(
        default=None,
        description="SQLAlchemy async URL for runs and approvals (e.g. "
        "postgresql+asyncpg://...); default: SQLite in the data directory.",
    )
    database_schema: str | None = Field(
        default=None,
        pattern=r"^[a-z_][a-z0-9_]{0,62}$",
        description="PostgreSQL schema to keep runs and approvals in (created if missing).",
    )
    kb_url: str | None = Field(
        default=None, description="Remote knowledge-base server (…/mcp); default: in-process."
    )
    crm_url: str | None = Field(
        default=None, description="Remote CRM server (…/mcp); default: in-process."
    )
    memory_url: str | None = Field(
        default=None, description="Remote memory server (…/mcp); default: in-process."
    )
    remote_token: SecretStr | None = Field(
        default=None, description="Bearer token the orchestrator presents to remote servers."
    )
    server_call_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        description="How long one call to the knowledge-base, CRM or memory server may take; "
        "one that takes longer is retried like a dropped connection, and the run fails if "
        "it keeps happening.",
    )
    request_state_keys: list[SecretStr] = Field(
        default_factory=list,
        description="Secrets (>= 32 bytes each; first one seals) protecting the approval "
        "state handed to 2026-07-28 clients. Replicas must share them. Default: a key "
        "generated per process.",
    )
    request_state_ttl_seconds: float = Field(
        default=3600.0, gt=0, description="How long a client may take to answer an approval."
    )

    run_lease_seconds: float = Field(
        default=30.0,
        gt=0,
        description="A run being driven is claimed for this long and renewed; a run cut off by "
        "a crash is finished by any process sharing the stores within about 1.3x this.",
    )

    checkpoint_every_step: bool = Field(
        default=False,
        description="Save a LangGraph checkpoint after every step, so a run cut off by a crash "
        "goes on from its last step (with an LLM: fewer calls made again) at about 10 ms of "
        "CPU per run; default: saved when a run pauses for a human and when it ends, and one "
        "cut off in between starts again from its input or its pause.",
    )

    progress_every_seconds: float = Field(
        default=0.25,
        ge=0,
        description="A resolution's progress notifications (one per agent step): at most one "
        "per this many seconds, the first after as long, as the MCP spec asks senders to "
        "rate-limit them; an offline resolution ends before the first. 0: every step.",
    )

    def runs_url(self, data_dir: Path) -> str:
        if self.database_url is not None:
            return asyncpg_url(self.database_url.get_secret_value())
        return f"sqlite+aiosqlite:///{data_dir / 'orchestrator.db'}"

    def sealing_keys(self) -> list[str]:
        return [key.get_secret_value() for key in self.request_state_keys]
