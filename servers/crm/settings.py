"""How the CRM server finds its database: SQLite in the data directory unless told otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class CrmSettings(BaseSettings):
    """The CRM's store. The default needs nothing: a SQLite file beside the other stores."""

    model_config = SettingsConfigDict(
        env_prefix="SUPPORTDESK_CRM_", extra="ignore", env_ignore_empty=True
    )

    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the CRM database, e.g. "
            "'postgresql+asyncpg://user@host/db'. Unset: SQLite at <data_dir>/crm.db."
        ),
    )
    database_schema: str | None = Field(
        default=None,
        pattern=r"^[a-z_][a-z0-9_]{0,62}$",
        description="PostgreSQL schema to keep the CRM tables in (created if missing).",
    )
    pool_size: int = Field(default=5, ge=1, le=100, description="Connections kept open.")
    max_overflow: int = Field(
        default=10, ge=0, le=200, description="Extra connections allowed under load."
    )
    pool_timeout: float = Field(
        default=10.0, gt=0, description="Seconds to wait for a free connection before failing."
    )
    sqlite_busy_timeout_ms: int = Field(
        default=10_000,
        ge=0,
        description="How long a SQLite writer waits for another writer's lock, in ms.",
    )

    new_customer_tier: Literal["free", "pro", "enterprise"] = Field(
        default="free",
        description="Tier of a customer created without one (a first-time requester, an "
        "import row without a plan).",
    )

    def url_for(self, data_dir: Path) -> str:
        """The database URL to use, given where the embedded stores live."""
        return self.database_url or f"sqlite+aiosqlite:///{data_dir / 'crm.db'}"
