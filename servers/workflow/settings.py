"""Workflow server settings: where the request-analytics projection keeps its table."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class WorkflowSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SUPPORTDESK_WORKFLOW_", extra="ignore", env_ignore_empty=True
    )

    analytics_path: Path | None = Field(
        default=None,
        description="SQLite file of the request-analytics projection; default "
        "<data dir>/analytics.db.",
    )

    def analytics_file(self, data_dir: Path) -> Path:
        return self.analytics_path or data_dir / "analytics.db"
