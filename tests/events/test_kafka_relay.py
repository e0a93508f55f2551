"""The relay against a real Kafka-protocol broker (Tansu): topics, keys, order, outages."""

import asyncio
import json
from collections import defaultdict

from events import bus_from_settings
from tests.events.collect import Collector, read_topic
from tests.events.samples import received, ticket_created, tool_called


def per_key_numbers(events) -> dict[str, list[int]]:
    numbers = defaultdict(list)
    for event in events:
        numbers[event.request_id].append(event.payload["message_chars"])
    return numbers


async def test_events_reach_one_topic_per_family_keyed_by_subject(kafka_settings, tmp_path):
    requests = [received(f"R-{i % 4}", i // 4) for i in range(40)]
    created, tool = ticket_created("T-1"), tool_called()
    async with bus_from_settings(kafka_settings, tmp_path) as bus:
        await bus.publish(*requests[:20])
        await bus.publish(created, tool, *requests[20:])
        await bus.relay.wait_idle(20)

    bootstrap = kafka_settings.kafka_bootstrap_servers
    request_records = await read_topic(bootstrap, kafka_settings.topic_for("request"))
    ticket_records = await read_topic(bootstrap, kafka_settings.topic_for("ticket"))
    tool_records = await read_topic(bootstrap, kafka_settings.topic_for("tool"))

    assert len(request_records) == 40
    assert [json.loads(r.value)["id"] for r in ticket_records] == [created.id]
    assert [json.loads(r.value)["id"] for r in tool_records] == [tool.id]
    assert ticket_records[0].key == b"T-1"
    headers = dict(ticket_records[0].headers)
    assert headers["event-type"] == b"ticket.created" and headers["tenant"] == b"acme"

    partitions_by_key = defaultdict(set)
    for record in request_records:
        partitions_by_key[record.key].add(record.partition)
    assert all(len(parts) == 1 for parts in partitions_by_key.values())
    by_partition = defaultdict(list)
    for record in sorted(request_records, key=lambda r: (r.partition, r.offset)):
        by_partition[record.partition].append(json.loads(record.value))
    for payloads in by_partition.values():
        numbers = defaultdict(list)
        for event in payloads:
            numbers[event["request_id"]].append(event["payload"]["message_chars"])
        assert all(seq == list(range(10)) for seq in numbers.values())


async def test_a_broker_outage_loses_nothing_and_keeps_per_key_order(
    kafka_settings, broker, tmp_path
):
    before = [received(f"R-{i % 5}", i // 5) for i in range(50)]
    during = [received(f"R-{i % 5}", 10 + i // 5) for i in range(50)]
    async with bus_from_settings(kafka_settings, tmp_path) as bus:
        seen_before = Collector()
        consumer = bus.consumer("outage-before", families={"request"})
        task = asyncio.create_task(consumer.run(seen_before))
        await bus.publish(*before)
        await seen_before.until(lambda c: len(c.unique_ids) == 50)
        await consumer.stop()
        await task

        broker.stop()
        for event in during:  # publishing does not wait for the absent broker
            await bus.publish(event)
        await asyncio.wait_for(bus.relay.outage.wait(), 20)
        assert await bus.outbox.count_unrelayed() > 0

        broker.start()
        await bus.relay.wait_idle(30)
        # Tansu keeps its data in memory, so the restarted broker holds what was relayed
        # after the restart: exactly the events published while it was down.
        seen_after = Collector()
        consumer = bus.consumer("outage-after", families={"request"})
        task = asyncio.create_task(consumer.run(seen_after))
        await seen_after.until(lambda c: len(c.unique_ids) == 50)
        await consumer.stop()
        await task

    assert seen_before.unique_ids == {e.id for e in before}
    assert seen_after.unique_ids == {e.id for e in during}
    delivered = [*seen_before.first_seen_order(), *seen_after.first_seen_order()]
    assert all(numbers == list(range(20)) for numbers in per_key_numbers(delivered).values())


async def test_two_relays_sharing_an_outbox_send_each_event_once(kafka_settings, tmp_path):
    first = bus_from_settings(kafka_settings, tmp_path)
    second = bus_from_settings(kafka_settings, tmp_path)
    events = [received(f"R-{i % 3}", i // 3) for i in range(90)]
    async with first, second:
        for i, event in enumerate(events):
            await (first if i % 2 else second).publish(event)
        await first.relay.wait_idle(20)
        await second.relay.wait_idle(20)
    records = await read_topic(
        kafka_settings.kafka_bootstrap_servers, kafka_settings.topic_for("request")
    )
    ids = [json.loads(record.value)["id"] for record in records]
    assert sorted(ids) == sorted(event.id for event in events)


async def test_a_relay_started_before_the_broker_catches_up(kafka_settings, broker, tmp_path):
    broker.stop()
    events = [received("R-1", i) for i in range(10)]
    async with bus_from_settings(kafka_settings, tmp_path) as bus:
        await bus.publish(*events)
        await asyncio.wait_for(bus.relay.outage.wait(), 20)
        broker.start()
        await bus.relay.wait_idle(30)
    records = await read_topic(
        kafka_settings.kafka_bootstrap_servers, kafka_settings.topic_for("request")
    )
    assert [json.loads(r.value)["payload"]["message_chars"] for r in records] == list(range(10))
