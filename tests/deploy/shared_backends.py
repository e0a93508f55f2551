"""The shared backends of a scaled-out deployment, for tests and the scale benchmark.

PostgreSQL (CRM, checkpoints, orchestrator runs) in a database of its own, dropped afterwards;
Redis (sessions) under a key prefix of its own; a Kafka-protocol broker (Tansu) of our own.
``replica_env`` is what every replica of one deployment is given: the same URLs, topics and
request-state sealing key, as the manifests give every pod from one ConfigMap and Secret.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from tests.support.services import unique_name

POSTGRES_SERVER = "postgres@127.0.0.1:5432"


def database_count(database: str, sql: str, *params: object) -> int:
    """One number from the shared database (row counts the tests compare)."""
    import psycopg

    with psycopg.connect(f"postgresql://{POSTGRES_SERVER}/{database}", autocommit=True) as conn:
        return conn.execute(sql, params).fetchone()[0]


@dataclass(frozen=True)
class SharedBackends:
    database: str
    redis_url: str
    redis_key_prefix: str
    kafka_bootstrap: str
    topic_prefix: str
    sealing_key: str

    def replica_env(self, **overrides: str) -> dict[str, str]:
        postgres = f"{POSTGRES_SERVER}/{self.database}"
        env = {
            "SUPPORTDESK_CRM_DATABASE_URL": f"postgresql://{postgres}",
            "SUPPORTDESK_CRM_DATABASE_SCHEMA": "crm",
            "SUPPORTDESK_MEMORY_CHECKPOINT_DATABASE_URL": f"postgresql://{postgres}",
            # One plain URL for all three, as the manifests pass the operator's one Secret key.
            "SUPPORTDESK_ORCHESTRATOR_DATABASE_URL": f"postgresql://{postgres}",
            "SUPPORTDESK_MEMORY_REDIS_URL": self.redis_url,
            "SUPPORTDESK_MEMORY_REDIS_KEY_PREFIX": self.redis_key_prefix,
            "SUPPORTDESK_EVENTS_KAFKA_BOOTSTRAP_SERVERS": self.kafka_bootstrap,
            "SUPPORTDESK_EVENTS_TOPIC_PREFIX": self.topic_prefix,
            "SUPPORTDESK_EVENTS_KAFKA_REQUEST_TIMEOUT_MS": "2000",
            "SUPPORTDESK_EVENTS_RELAY_POLL_SECONDS": "0.1",
            "SUPPORTDESK_EVENTS_RELAY_BACKOFF_SECONDS": "0.05",
            "SUPPORTDESK_EVENTS_RELAY_BACKOFF_MAX_SECONDS": "0.5",
            "SUPPORTDESK_ORCHESTRATOR_REQUEST_STATE_KEYS": json.dumps([self.sealing_key]),
        }
        env.update(overrides)
        return env


def new_shared_backends(database: str, redis_url: str, kafka_bootstrap: str) -> SharedBackends:
    return SharedBackends(
        database=database,
        redis_url=redis_url,
        redis_key_prefix=unique_name("sdscale"),
        kafka_bootstrap=kafka_bootstrap,
        topic_prefix=unique_name("sdscale"),
        sealing_key=secrets.token_hex(32),
    )
