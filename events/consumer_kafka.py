"""A Kafka consumer group with the local consumer's contract: commit after handling, bounded
retries, failed events to the dead-letter topic with the error in its headers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError
from pydantic import ValidationError

from events.consumer import Handler, handle_with_retries, wants
from events.envelope import Envelope
from events.errors import BrokerUnavailable
from events.kafka import client_options, ensure_topics, producer_options
from events.kafka_security import START_ERRORS, connect_failure
from events.settings import EventSettings
from events.types import PAYLOAD_TYPES

logger = logging.getLogger(__name__)

KNOWN_FAMILIES = frozenset(event_type.split(".", 1)[0] for event_type in PAYLOAD_TYPES)


class KafkaLogConsumer:
    """Consumes ``<prefix>.<family>`` topics as group ``group``; start/stop with ``run``."""

    def __init__(
        self,
        settings: EventSettings,
        group: str,
        *,
        families: Collection[str] | None = None,
        max_attempts: int | None = None,
        backoff: float | None = None,
        batch: int = 500,
        poll_ms: int = 200,
    ) -> None:
        self.settings = settings
        self.group = group
        self.families = frozenset(families) if families is not None else None
        self.max_attempts = max_attempts or settings.consumer_max_attempts
        self.backoff = settings.consumer_backoff_seconds if backoff is None else backoff
        self.batch = batch
        self.poll_ms = poll_ms
        self._stopping = asyncio.Event()

    @property
    def topics(self) -> list[str]:
        return sorted(self.settings.topic_for(f) for f in (self.families or KNOWN_FAMILIES))

    async def run(self, handler: Handler) -> None:
        self._stopping.clear()
        consumer = await self._started()
        if consumer is None:
            return
        dead_letters = AIOKafkaProducer(**producer_options(self.settings))
        try:
            await dead_letters.start()
            while not self._stopping.is_set():
                batches = await consumer.getmany(timeout_ms=self.poll_ms, max_records=self.batch)
                handled: dict[TopicPartition, int] = {}
                try:
                    for tp, messages in batches.items():
                        for message in messages:
                            if not await self._handle(handler, message, dead_letters):
                                return  # stopping before the dead letter was stored
                            handled[tp] = message.offset + 1
                finally:
                    await self._commit(consumer, handled)
        finally:
            await consumer.stop()
            await dead_letters.stop()

    async def _started(self) -> AIOKafkaConsumer | None:
        """Create the topics and join the group, retrying while the broker is unreachable."""
        delay = self.settings.relay_backoff_seconds
        while not self._stopping.is_set():
            consumer = AIOKafkaConsumer(
                *self.topics,
                **client_options(self.settings),
                group_id=self.group,
                enable_auto_commit=False,
                auto_offset_reset="earliest",
                session_timeout_ms=self.settings.kafka_session_timeout_ms,
                heartbeat_interval_ms=self.settings.kafka_session_timeout_ms // 4,
            )
            try:
                await ensure_topics(self.settings, [*self.topics, self.settings.dead_letter_topic])
                await consumer.start()
                return consumer
            except BrokerUnavailable as error:
                await consumer.stop()
                logger.warning("consumer %s cannot start yet: %s", self.group, error)
            except START_ERRORS as error:
                await consumer.stop()
                failure = await connect_failure(self.settings, "consumer cannot start", error)
                logger.warning("consumer %s cannot start yet: %s", self.group, failure)
            await self._pause(delay)
            delay = min(delay * 2, self.settings.relay_backoff_max_seconds)
        return None

    async def _handle(
        self, handler: Handler, message: ConsumerRecord, dead_letters: AIOKafkaProducer
    ) -> bool:
        try:
            event = Envelope.model_validate_json(message.value)
        except ValidationError as error:
            return await self._dead_letter(dead_letters, message, f"undecodable: {error}", 1)
        if not wants(event, self.families):
            return True
        error = await handle_with_retries(
            handler, event, max_attempts=self.max_attempts, backoff=self.backoff
        )
        if error is None:
            return True
        logger.error("dead-lettered %s %s: %s", event.type, event.id, error)
        return await self._dead_letter(dead_letters, message, error, self.max_attempts)

    async def _dead_letter(
        self, producer: AIOKafkaProducer, message: ConsumerRecord, error: str, attempts: int
    ) -> bool:
        """Store the event on the dead-letter topic; waits out a broker outage."""
        source = f"{message.topic}:{message.partition}:{message.offset}"
        headers: list[tuple[str, bytes]] = [
            *(message.headers or ()),
            ("dead-letter-error", error.encode()[:4000]),
            ("dead-letter-group", self.group.encode()),
            ("dead-letter-source", source.encode()),
            ("dead-letter-attempts", str(attempts).encode()),
        ]
        delay = self.settings.relay_backoff_seconds
        while not self._stopping.is_set():
            try:
                await producer.send_and_wait(
                    self.settings.dead_letter_topic,
                    value=message.value,
                    key=message.key,
                    headers=headers,
                )
                return True
            except KafkaError as failure:
                logger.warning("dead-letter topic unavailable, retrying: %r", failure)
            await self._pause(delay)
            delay = min(delay * 2, self.settings.relay_backoff_max_seconds)
        return False

    async def _commit(self, consumer: AIOKafkaConsumer, offsets: dict[TopicPartition, int]) -> None:
        """Commit what was handled (one request for all partitions of a fetch)."""
        if not offsets:
            return
        try:
            await consumer.commit(offsets)
        except KafkaError as error:  # redelivery follows; handlers are idempotent
            logger.warning("consumer %s: commit failed: %r", self.group, error)

    async def _pause(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stopping.wait(), seconds)
        except TimeoutError:
            pass

    async def stop(self) -> None:
        self._stopping.set()
