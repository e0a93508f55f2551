"""Settings shared by every server: where data lives, how logs look, how HTTP is served.

Only settings classes read the environment. Each component has its own class with its own
``SUPPORTDESK_<COMPONENT>_`` prefix; these are the ones every server needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from platformdirs import user_data_path
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    return user_data_path("supportdesk", appauthor=False)


class CoreSettings(BaseSettings):
    """Where the embedded stores live and who a caller is when no identity is presented."""

    model_config = SettingsConfigDict(
        env_prefix="SUPPORTDESK_", extra="ignore", env_ignore_empty=True
    )

    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="Directory holding every embedded store (LanceDB, SQLite, outbox).",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        default="INFO", description="Log level for stderr logs."
    )
    log_format: Literal["json", "text"] = Field(
        default="json", description="json: one object per line with request/correlation ids."
    )
    default_tenant: str = Field(
        default="demo",
        description="Tenant used when the caller presents no identity (stdio, local HTTP).",
    )
    load_demo_data: bool = Field(
        default=True,
        description="Load the bundled demo data into a store that is empty on first start.",
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value


class HttpSettings(BaseSettings):
    """How the streamable HTTP transport is served. The defaults are the safe ones."""

    model_config = SettingsConfigDict(
        env_prefix="SUPPORTDESK_HTTP_", extra="ignore", env_ignore_empty=True
    )

    host: str = Field(default="127.0.0.1", description="Address to bind; loopback by default.")
    port: int = Field(default=8765, ge=0, le=65535, description="TCP port to listen on.")
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Extra Host header values accepted (besides the bind address and localhost).",
    )
    allowed_origins: list[str] = Field(
        default_factory=list,
        description="Browser origins accepted in the Origin header (besides loopback ones).",
    )
    max_request_bytes: int = Field(
        default=1_048_576,
        gt=0,
        description="Largest request body accepted, in bytes; larger requests get 413.",
    )
    session_idle_seconds: float = Field(
        default=300.0,
        gt=0,
        description="A 2025-11-25 session with no request for this long is closed and its "
        "memory reclaimed (the client starts a new one).",
    )
    max_sessions: int = Field(
        default=1000,
        ge=1,
        description="Most 2025-11-25 sessions open at once per endpoint; past it a new "
        "session gets 503 'Too many open sessions' until idle ones are reclaimed. "
        "2026-07-28 clients hold no session.",
    )
