"""Kafka through aiokafka: the relay's sink, topic creation, and the shared client options.

One topic per event family (``<prefix>.request``, ``<prefix>.ticket``...), keyed by the
event's subject (request, else ticket, else customer id) so one subject's events share a
partition and keep their order. Each partition's rows go out as explicit batches, one after
another: a batch that fails stops that partition's round, so a later event of a key can
never overtake an earlier one that has to be retried.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import (
    CorruptRecordException,
    InvalidTimestampError,
    KafkaError,
    MessageSizeTooLargeError,
    RecordListTooLargeError,
)
from aiokafka.partitioner import murmur2

from events.errors import BrokerUnavailable
from events.kafka_security import START_ERRORS, connect_failure, connection_options
from events.outbox import OutboxRow
from events.relay import SendReport
from events.settings import EventSettings

logger = logging.getLogger(__name__)

TOPIC_ALREADY_EXISTS = 36
MAX_BATCH_BYTES = 512 * 1024
# Errors about the row itself: retrying cannot help, so the row is set aside (it stays
# in the local log with the error) instead of blocking its partition forever.
RECORD_ERRORS = (
    CorruptRecordException,
    InvalidTimestampError,
    MessageSizeTooLargeError,
    RecordListTooLargeError,
)


def client_options(settings: EventSettings) -> dict[str, Any]:
    """What every client of the bus (producer, consumer, admin) is built with, TLS and SASL
    included."""
    return {
        "bootstrap_servers": settings.bootstrap_list(),
        "client_id": settings.kafka_client_id,
        "request_timeout_ms": settings.kafka_request_timeout_ms,
        **connection_options(settings),
    }


def producer_options(settings: EventSettings) -> dict[str, Any]:
    compression = None if settings.kafka_compression == "none" else settings.kafka_compression
    return {
        **client_options(settings),
        "acks": "all",
        "compression_type": compression,
        "max_batch_size": MAX_BATCH_BYTES,
        "linger_ms": 5,
        "retry_backoff_ms": 100,
    }


def event_headers(row: OutboxRow) -> list[tuple[str, bytes]]:
    """Routing facts a consumer can filter on without parsing the value."""
    return [
        ("event-id", row.event_id.encode()),
        ("event-type", row.type.encode()),
        ("tenant", row.tenant.encode()),
    ]


def partition_for(key: bytes, partitions: Sequence[int]) -> int:
    """Kafka's default keyed partitioning (murmur2), so other producers agree with ours."""
    return partitions[(murmur2(key) & 0x7FFFFFFF) % len(partitions)]


async def ensure_topics(settings: EventSettings, topics: Sequence[str]) -> None:
    """Create the topics that do not exist yet (an existing topic is left as it is)."""
    admin = AIOKafkaAdminClient(**client_options(settings))
    try:
        await admin.start()
        response = await admin.create_topics(
            [NewTopic(t, settings.topic_partitions, settings.topic_replication) for t in topics]
        )
    except START_ERRORS as error:
        raise await connect_failure(settings, "cannot create topics", error) from error
    finally:
        await admin.close()
    for topic, code, message in _topic_errors(response):
        if code not in (0, TOPIC_ALREADY_EXISTS):
            raise BrokerUnavailable(f"kafka: topic {topic}: error {code} {message or ''}")


def _topic_errors(response: Any) -> list[tuple[str, int, str | None]]:
    return [
        (error[0], error[1], error[2] if len(error) > 2 else None)
        for error in response.topic_errors
    ]


class KafkaSink:
    """Sends outbox rows to Kafka: acks=all, batched per partition, retried by the relay."""

    def __init__(self, settings: EventSettings) -> None:
        self.settings = settings
        self._producer: AIOKafkaProducer | None = None
        self._known_topics: set[str] = set()
        self._timeout = settings.kafka_request_timeout_ms / 1000

    def describe(self) -> str:
        servers = ",".join(self.settings.bootstrap_list())
        return f"kafka at {servers} ({self.settings.describe_security()})"

    async def _started(self) -> AIOKafkaProducer:
        if self._producer is None:
            producer = AIOKafkaProducer(**producer_options(self.settings))
            try:
                await producer.start()
            except START_ERRORS as error:
                await producer.stop()
                raise await connect_failure(self.settings, "cannot connect", error) from error
            self._producer = producer
        return self._producer

    async def send(self, rows: Sequence[OutboxRow]) -> SendReport:
        try:
            report = await self._send(rows)
        except BrokerUnavailable:
            self._known_topics.clear()
            raise
        if report.failure:
            # After an outage make sure the topics are there again (a broker may come back
            # without them); creating an existing topic is a no-op.
            self._known_topics.clear()
        return report

    async def _send(self, rows: Sequence[OutboxRow]) -> SendReport:
        producer = await self._started()
        by_topic: dict[str, list[OutboxRow]] = defaultdict(list)
        for row in rows:
            by_topic[self.settings.topic_for(row.family)].append(row)
        new_topics = [topic for topic in by_topic if topic not in self._known_topics]
        if new_topics:
            await ensure_topics(self.settings, new_topics)
            self._known_topics.update(new_topics)

        by_partition: dict[tuple[str, int], list[OutboxRow]] = defaultdict(list)
        for topic, topic_rows in by_topic.items():
            partitions = sorted(await self._partitions(producer, topic))
            for row in topic_rows:
                key = (row.subject_key or row.event_id).encode()
                by_partition[(topic, partition_for(key, partitions))].append(row)

        reports = await asyncio.gather(
            *(self._send_partition(producer, tp, rs) for tp, rs in by_partition.items())
        )
        report = SendReport.merge(reports)
        if not report.delivered and not report.rejected and report.failure:
            raise BrokerUnavailable(report.failure)
        return report

    async def _partitions(self, producer: AIOKafkaProducer, topic: str) -> set[int]:
        try:
            partitions = await asyncio.wait_for(producer.partitions_for(topic), self._timeout)
        except (KafkaError, OSError, TimeoutError) as error:
            raise BrokerUnavailable(f"kafka: no metadata for {topic}: {error!r}") from error
        if not partitions:
            raise BrokerUnavailable(f"kafka: topic {topic} has no partitions")
        return partitions

    async def _send_partition(
        self, producer: AIOKafkaProducer, tp: tuple[str, int], rows: list[OutboxRow]
    ) -> SendReport:
        """Ship ``rows`` of one partition in order; stop at the first failed batch."""
        report = SendReport()
        pending: list[OutboxRow] = []
        batch = producer.create_batch()
        for row in rows:
            if not self._append(batch, row):
                if not await self._ship(producer, tp, batch, pending, report):
                    return report
                batch, pending = producer.create_batch(), []
                self._append(batch, row)  # an empty batch takes one row of any size
            pending.append(row)
        if pending:
            await self._ship(producer, tp, batch, pending, report)
        return report

    @staticmethod
    def _append(batch: Any, row: OutboxRow) -> bool:
        metadata = batch.append(
            key=row.subject_key.encode() if row.subject_key else None,
            value=row.body.encode(),
            timestamp=None,
            headers=event_headers(row),
        )
        return metadata is not None

    async def _ship(
        self,
        producer: AIOKafkaProducer,
        tp: tuple[str, int],
        batch: Any,
        rows: list[OutboxRow],
        report: SendReport,
    ) -> bool:
        """Deliver one batch; False when the partition must wait for the next round."""
        topic, partition = tp
        try:
            delivery = await asyncio.wait_for(
                producer.send_batch(batch, topic, partition=partition), self._timeout
            )
            await asyncio.wait_for(delivery, self._timeout)
        except RECORD_ERRORS as error:
            if len(rows) == 1:
                report.rejected[rows[0].seq] = f"{type(error).__name__}: {error}"
                return True
            # Resend one by one, so only the offending row is set aside.
            for row in rows:
                single = producer.create_batch()
                self._append(single, row)
                if not await self._ship(producer, tp, single, [row], report):
                    return False
            return True
        except (KafkaError, OSError, TimeoutError) as error:
            report.failure = report.failure or f"kafka: {topic}[{partition}]: {error!r}"
            return False
        report.delivered.extend(r.seq for r in rows)
        return True

    async def close(self) -> None:
        if self._producer is not None:
            producer, self._producer = self._producer, None
            await producer.stop()
