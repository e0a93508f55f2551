"""How the three memory tiers are backed: only this class reads the environment."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class MemorySettings(BaseSettings):
    """Backends and limits of working state, the session cache and long-term memory."""

    model_config = SettingsConfigDict(
        env_prefix="SUPPORTDESK_MEMORY_", extra="ignore", env_ignore_empty=True
    )

    redis_url: SecretStr | None = Field(
        default=None,
        description="Redis URL for the shared session cache (redis://host:6379/0); "
        "unset: an in-process cache.",
    )
    redis_key_prefix: str = Field(
        default="supportdesk",
        min_length=1,
        max_length=64,
        description="Prefix of every Redis key, so deployments can share one Redis.",
    )
    redis_timeout_seconds: float = Field(
        default=1.0, gt=0, description="Socket timeout of each Redis command."
    )
    redis_retry_seconds: float = Field(
        default=2.0,
        gt=0,
        description="While Redis is unreachable, how often to try it again.",
    )
    checkpoint_database_url: SecretStr | None = Field(
        default=None,
        description="PostgreSQL URL for LangGraph checkpoints (postgresql://...); "
        "unset: SQLite in the data directory.",
    )
    checkpoint_pool_size: int = Field(
        default=5, ge=1, le=100, description="PostgreSQL connections kept for checkpoints."
    )
    session_ttl_seconds: float = Field(
        default=86_400.0,
        gt=0,
        description="A session is forgotten this long after its last write.",
    )
    session_max_turns: int = Field(
        default=200, ge=1, description="Turns kept per session; older ones are dropped."
    )
    local_max_sessions: int = Field(
        default=10_000,
        ge=1,
        description="Sessions the in-process cache holds before evicting the least recent.",
    )
    fact_ttl_seconds: float = Field(
        default=3_600.0, gt=0, description="Default lifetime of a short-lived session fact."
    )
    dedupe_threshold: float = Field(
        default=0.92,
        gt=0,
        le=1,
        description="Cosine similarity at or above which a new memory of the same customer "
        "and kind is merged into an existing one.",
    )
    context_budget_chars: int = Field(
        default=4_000, ge=100, description="Default size budget of a memory context."
    )
    long_term_uri: str | None = Field(
        default=None,
        description="Where long-term memory lives: `s3://bucket/prefix` shares one store "
        "between replicas (connection in `SUPPORTDESK_S3_*`; their writes take turns through "
        "`SUPPORTDESK_JOBS_DATABASE_URL`, PostgreSQL), or a local directory; default "
        "<data dir>/memory.lance.",
    )
    read_consistency_seconds: float = Field(
        default=0.0,
        ge=0,
        description="How stale a read of long-term memory may be when other processes "
        "write the same store (0: always see their latest writes).",
    )
