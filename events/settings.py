"""How the event bus is configured: the outbox, the relay and (optionally) Kafka."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.shared_database import asyncpg_url

ENV_PREFIX = "SUPPORTDESK_EVENTS_"
TLS_PROTOCOLS = frozenset({"SSL", "SASL_SSL"})
SASL_PROTOCOLS = frozenset({"SASL_PLAINTEXT", "SASL_SSL"})


class EventSettings(BaseSettings):
    """The local outbox is always on; Kafka is used when bootstrap servers are set."""

    # Inputs stay out of validation errors: they hold the SASL password as plain text.
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, extra="ignore", hide_input_in_errors=True, env_ignore_empty=True
    )

    outbox_path: Path | None = Field(
        default=None,
        description="SQLite file of the outbox / local event log; default <data dir>/events.db.",
    )
    outbox_synchronous: Literal["NORMAL", "FULL"] = Field(
        default="NORMAL",
        description="SQLite synchronous mode: NORMAL survives a process crash, FULL also a "
        "power cut (slower).",
    )
    database_url: SecretStr | None = Field(
        default=None,
        description="PostgreSQL URL (postgresql://...): every event is first committed to an "
        "outbox table there, so none waits on a pod's disk; any replica's relay moves it on "
        "(a dead replica's after a few seconds). Unset: the SQLite outbox.",
    )
    database_schema: str = Field(
        default="events", pattern=r"^[a-z_][a-z0-9_]{0,62}$",
        description="PostgreSQL schema of that outbox table (created if missing).",
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
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        default="PLAINTEXT",
        description="How the producer, consumers and admin client reach Kafka: SSL for TLS, "
        "SASL_SSL for TLS plus a username and password (managed Kafka), SASL_PLAINTEXT for "
        "SASL without TLS.",
    )
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = Field(
        default="SCRAM-SHA-512",
        description="SASL mechanism under a SASL_* protocol: PLAIN (e.g. Confluent Cloud; "
        "sends the password itself, so SASL_SSL only), SCRAM-SHA-256 or SCRAM-SHA-512 (MSK, "
        "Strimzi, Aiven).",
    )
    kafka_sasl_username: str | None = Field(
        default=None, description="SASL username; required by the SASL_* protocols."
    )
    kafka_sasl_password: SecretStr | None = Field(
        default=None,
        description="SASL password; required by the SASL_* protocols. Never logged.",
    )
    kafka_ssl_cafile: Path | None = Field(
        default=None,
        description="PEM file of the CA(s) that signed the brokers' certificates (SSL, "
        "SASL_SSL); unset trusts the system CAs.",
    )
    kafka_ssl_certfile: Path | None = Field(
        default=None,
        description="PEM client certificate for mutual TLS (may also hold the key).",
    )
    kafka_ssl_keyfile: Path | None = Field(
        default=None,
        description="PEM private key of the client certificate, when not in the certificate "
        "file (unencrypted).",
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

    @field_validator("database_url")
    @classmethod
    def _postgresql(cls, url: SecretStr | None) -> SecretStr | None:
        if url is not None and not url.get_secret_value().startswith(("postgresql", "postgres:")):
            raise ValueError("must be a PostgreSQL URL (postgresql://user:password@host/db)")
        return url

    @model_validator(mode="after")
    def _security_is_consistent(self) -> EventSettings:
        """Refuse at start-up what would otherwise fail on the first connection to the broker,
        or quietly run in the clear."""
        problem = self._sasl_problem() or self._tls_problem()
        if problem:
            raise ValueError(problem)
        return self

    def _sasl_problem(self) -> str | None:
        said = f"{env_name('kafka_security_protocol')}={self.kafka_security_protocol}"
        credentials = ("kafka_sasl_username", "kafka_sasl_password")
        if not self.uses_sasl:
            given = [env_name(n) for n in credentials if getattr(self, n) is not None]
            if given:  # credentials that would be ignored: the operator meant SASL
                return (f"{' and '.join(given)} set, but {said} does not use SASL: use "
                        "SASL_SSL (or SASL_PLAINTEXT)")
            return None
        missing = [env_name(n) for n in credentials if not _filled(getattr(self, n))]
        if missing:
            return f"{said} needs {' and '.join(missing)}"
        if self.kafka_security_protocol == "SASL_PLAINTEXT" and (
            self.kafka_sasl_mechanism == "PLAIN"
        ):
            return (f"{env_name('kafka_sasl_mechanism')}=PLAIN sends the password itself: with "
                    f"{said} it would cross the network in the clear; use SASL_SSL or SCRAM")
        return None

    def _tls_problem(self) -> str | None:
        said = f"{env_name('kafka_security_protocol')}={self.kafka_security_protocol}"
        files = {name: getattr(self, name) for name in TLS_FILES}
        given = [env_name(name) for name, path in files.items() if path is not None]
        if given and not self.uses_tls:
            return f"{' and '.join(given)} set, but {said} does not use TLS: use SSL or SASL_SSL"
        for name, path in files.items():
            if path is not None and not path.is_file():
                return f"{env_name(name)}={path}: no such file"
        if self.kafka_ssl_keyfile is not None and self.kafka_ssl_certfile is None:
            return (f"{env_name('kafka_ssl_keyfile')} needs {env_name('kafka_ssl_certfile')} "
                    "(the certificate of that key)")
        return None

    @property
    def uses_tls(self) -> bool:
        return self.kafka_security_protocol in TLS_PROTOCOLS

    @property
    def uses_sasl(self) -> bool:
        return self.kafka_security_protocol in SASL_PROTOCOLS

    def describe_security(self) -> str:
        """How the bus connects, for start-up logs and health: never the password."""
        parts = [self.kafka_security_protocol]
        if self.uses_sasl:
            parts.append(f"{self.kafka_sasl_mechanism} as {self.kafka_sasl_username}")
        if self.uses_tls:
            parts.append(f"CA {self.kafka_ssl_cafile or 'system'}")
            if self.kafka_ssl_certfile is not None:
                parts.append(f"client certificate {self.kafka_ssl_certfile}")
        return ", ".join(parts)

    @property
    def kafka_enabled(self) -> bool:
        return bool(self.kafka_bootstrap_servers and self.kafka_bootstrap_servers.strip())

    def bootstrap_list(self) -> list[str]:
        return [s.strip() for s in (self.kafka_bootstrap_servers or "").split(",") if s.strip()]

    def shared_outbox_url(self) -> str | None:
        """The PostgreSQL outbox's URL with the async driver installed, when configured."""
        if self.database_url is None:
            return None
        return asyncpg_url(self.database_url.get_secret_value())

    def outbox_file(self, data_dir: Path) -> Path:
        return self.outbox_path or data_dir / "events.db"

    def topic_for(self, family: str) -> str:
        return f"{self.topic_prefix}.{family}"

    @property
    def dead_letter_topic(self) -> str:
        return f"{self.topic_prefix}.deadletter"


TLS_FILES = ("kafka_ssl_cafile", "kafka_ssl_certfile", "kafka_ssl_keyfile")


def env_name(field: str) -> str:
    """The environment variable of one of these settings, for error messages."""
    return f"{ENV_PREFIX}{field}".upper()


def _filled(value: str | SecretStr | None) -> bool:
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    return bool(value and value.strip())
