"""Consumer groups over the local log and over Kafka: positions, duplicates, dead letters."""

import json

from aiokafka import AIOKafkaConsumer, TopicPartition

from events import LocalLogConsumer, bus_from_settings, consuming
from events.consumer_kafka import KafkaLogConsumer
from events.projection import RequestAnalyticsProjection
from tests.events.collect import Collector, read_topic
from tests.events.samples import received, resolved, tool_called


async def test_a_local_group_resumes_where_it_committed(local_settings, tmp_path):
    first, later = [received(f"R-{i}") for i in range(5)], [received(f"R-{i}") for i in range(5, 8)]
    async with bus_from_settings(local_settings, tmp_path) as bus:
        await bus.publish(*first)
        seen = Collector()
        consumer = bus.consumer("billing")
        assert isinstance(consumer, LocalLogConsumer)
        async with consuming(consumer, seen):
            await seen.until(lambda c: len(c.events) == 5)
            await bus.publish(later[0])  # arrives while running: woken, not polled
            await seen.until(lambda c: len(c.events) == 6)
        await bus.publish(*later[1:])
        resumed = Collector()
        async with consuming(bus.consumer("billing"), resumed):
            await resumed.until(lambda c: len(c.events) == 2)
        other_group = Collector()
        async with consuming(bus.consumer("audit"), other_group):
            await other_group.until(lambda c: len(c.events) == 8)
    assert seen.events == [*first, later[0]]
    assert resumed.events == later[1:]
    assert other_group.events == [*first, *later]


async def test_a_local_group_takes_only_its_families(local_settings, tmp_path):
    events = [received("R-1"), tool_called(), received("R-2")]
    async with bus_from_settings(local_settings, tmp_path) as bus:
        await bus.publish(*events)
        seen = Collector()
        consumer = bus.consumer("requests", families={"request"})
        async with consuming(consumer, seen):
            await seen.until(lambda c: len(c.events) == 2)
            await bus.publish(received("R-3"))
            await seen.until(lambda c: len(c.events) == 3)
        assert await consumer.position() == 4
    assert [e.request_id for e in seen.events] == ["R-1", "R-2", "R-3"]


async def test_a_poison_event_is_dead_lettered_locally_and_the_rest_goes_on(
    local_settings, tmp_path
):
    poison, good = received("R-poison"), [received("R-1"), received("R-2")]
    handler = Collector(fail_on=lambda event: event.id == poison.id)
    async with bus_from_settings(local_settings, tmp_path) as bus:
        await bus.publish(good[0], poison, good[1])
        consumer = bus.consumer("fragile")
        async with consuming(consumer, handler):
            await handler.until(lambda c: len(c.events) == 2)
        letters = await consumer.dead_letters()
        assert await consumer.position() == 3
    assert handler.events == good
    assert handler.attempts[poison.id] == local_settings.consumer_max_attempts
    assert [(d.event, d.attempts) for d in letters] == [(poison, 3)]
    assert "RuntimeError: cannot handle request.received" in letters[0].error


async def test_replaying_the_local_log_into_a_projection_changes_nothing(local_settings, tmp_path):
    events = [received("R-1"), received("R-2"), resolved("R-1")]
    projection = RequestAnalyticsProjection(tmp_path / "analytics.db")
    async with bus_from_settings(local_settings, tmp_path) as bus:
        await bus.publish(*events)
        for group in ("analytics", "analytics-replay"):  # the second reads it all again
            seen = Collector()

            async def project(event, seen=seen):
                await projection.handle(event)
                await seen(event)

            async with consuming(bus.consumer(group, families=projection.families), project):
                await seen.until(lambda c: len(c.events) == 3)
    stats = await projection.analytics("acme")
    await projection.close()
    assert (stats.total, stats.resolved) == (2, 1)


async def test_kafka_duplicates_have_their_effect_once(kafka_settings, tmp_path):
    events = [received("R-1"), received("R-2"), resolved("R-1")]
    projection = RequestAnalyticsProjection(tmp_path / "analytics.db")
    async with bus_from_settings(kafka_settings, tmp_path) as bus:
        await bus.publish(*events)
        await bus.relay.wait_idle(20)
        # A relay that crashed after sending but before marking sends everything again.
        await bus.outbox.run(lambda c: c.execute("UPDATE event_outbox SET relayed_at = NULL"))
        await bus.relay.wait_idle(20)
        records = await read_topic(
            kafka_settings.kafka_bootstrap_servers, kafka_settings.topic_for("request")
        )
        assert len(records) == 6

        consumer = bus.consumer("analytics", families=projection.families)
        assert isinstance(consumer, KafkaLogConsumer)
        seen = Collector()

        async def project(event):
            await projection.handle(event)
            await seen(event)

        async with consuming(consumer, project):
            await seen.until(lambda c: len(c.events) == 6)
        assert await _committed(kafka_settings, "analytics", "request") == 6
    stats = await projection.analytics("acme")
    await projection.close()
    assert (stats.total, stats.resolved, stats.by_status) == (2, 1, {"resolved": 1, "received": 1})


async def test_a_poison_event_goes_to_the_dead_letter_topic(kafka_settings, tmp_path):
    poison, good = received("R-poison"), [received("R-1"), received("R-2")]
    handler = Collector(fail_on=lambda event: event.id == poison.id)
    async with bus_from_settings(kafka_settings, tmp_path) as bus:
        await bus.publish(good[0], poison, good[1])
        async with consuming(bus.consumer("fragile", families={"request"}), handler):
            await handler.until(lambda c: len(c.events) == 2)
            letters = await read_topic(
                kafka_settings.kafka_bootstrap_servers, kafka_settings.dead_letter_topic, at_least=1
            )
    assert {e.id for e in handler.events} == {e.id for e in good}
    assert handler.attempts[poison.id] == kafka_settings.consumer_max_attempts
    letter = letters[0]
    assert json.loads(letter.value)["id"] == poison.id
    headers = dict(letter.headers)
    assert headers["dead-letter-error"].startswith(b"RuntimeError: cannot handle")
    assert headers["dead-letter-group"] == b"fragile"
    assert headers["dead-letter-attempts"] == b"3"
    assert headers["event-type"] == b"request.received"


async def _committed(settings, group: str, family: str) -> int:
    """The group's committed offsets on the family's topic, summed over partitions."""
    topic = settings.topic_for(family)
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers, group_id=group)
    await consumer.start()
    try:
        await consumer.topics()
        partitions = consumer.partitions_for_topic(topic) or ()
        offsets = [await consumer.committed(TopicPartition(topic, p)) for p in partitions]
    finally:
        await consumer.stop()
    return sum(offset or 0 for offset in offsets)
