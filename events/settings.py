"""How the event bus is configured: the outbox, the relay and (optionally) Kafka."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class EventSettings(BaseSettings):
    """The local outbox is always on; Kafka is used when bootstrap servers are set."""

    model_config = SettingsConfigDict(env_prefix="SUPPORTDESK_EVENTS_", extra="ignore")

    outbox_path: Path | None = Field(
        default=None,
        description="SQLite file of the outbox / local event log; default <data dir>/events.db.",
    )
    outbox_synchronous: Literal["NORMAL", "FULL"] = Field(
        default="NORMAL",
        description="SQLite synchronous mode: NORMAL survives a process crash, FULL also a "
        "power cut (slower).",
    )
    kafka_bootstrap_servers: str | None = Field(
        default=None,
        description="Comma-separated host:port list; when empty events stay in the local log.",
    )
    topic_prefix: str = Field(
        default="supportdesk",
        pattern=r"^[A-Za-z0-9._-]+$",
        description="Topic names are <prefix>.<family>, e.g. supportdesk.ticket.",
    )
    topic_partitions: int = Field(
        default=3, ge=1, description="Partitions of the topics the bus creates."
    )
    topic_replication: int = Field(
        default=1, ge=1, description="Replication factor of the topics the bus creates."
    )
    kafka_client_id: str = Field(default="supportdesk", description="Kafka client id.")
    kafka_compression: Literal["none", "gzip"] = Field(
        default="none", description="Compression of produced batches."
    )
    kafka_request_timeout_ms: int = Field(
        default=10_000, ge=100, description="Longest wait on one Kafka request."
    )
    kafka_session_timeout_ms: int = Field(
        default=10_000,
        ge=1000,
        description="Consumer-group session timeout; a dead consumer's partitions move on "
        "after this.",
    )
    relay_batch_size: int = Field(
        default=1000, ge=1, le=50_000, description="Most outbox rows relayed per round."
    )
    relay_poll_seconds: float = Field(
        default=0.5,
        gt=0,
        description="How often the relay looks for rows written by other processes.",
    )
    relay_lease_seconds: float = Field(
        default=30.0,
        gt=0,
        description="How long a relay's claim on the outbox lasts without renewal.",
    )
    relay_backoff_seconds: float = Field(
        default=0.2, gt=0, description="First wait after the broker fails; doubles each time."
    )
    relay_backoff_max_seconds: float = Field(
        default=10.0, gt=0, description="Longest wait between tries while the broker is down."
    )
    relayed_retention_hours: float | None = Field(
        default=168.0,
        gt=0,
        description="Rows already relayed to Kafka are pruned after this; unset keeps them.",
    )
    local_log_retention_hours: float | None = Field(
        default=720.0,
        gt=0,
        description=(
            "Without Kafka the outbox is the event log: events written longer ago than this "
            "are deleted (request timelines lose them; projections keep their counts). "
            "Unset keeps everything."
        ),
    )
    consumer_max_attempts: int = Field(
        default=5, ge=1, description="Tries per event before it goes to the dead-letter log."
    )
    consumer_backoff_seconds: float = Field(
        default=0.1, ge=0, description="First wait between a failing handler's tries."
    )

    @property
    def kafka_enabled(self) -> bool:
        return bool(self.kafka_bootstrap_servers and self.kafka_bootstrap_servers.strip())

    def bootstrap_list(self) -> list[str]:
        return [s.strip() for s in (self.kafka_bootstrap_servers or "").split(",") if s.strip()]

    def outbox_file(self, data_dir: Path) -> Path:
        return self.outbox_path or data_dir / "events.db"

    def topic_for(self, family: str) -> str:
        return f"{self.topic_prefix}.{family}"

    @property
    def dead_letter_topic(self) -> str:
        return f"{self.topic_prefix}.deadletter"
