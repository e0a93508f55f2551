"""Knowledge base and long-term memory on shared object storage: one replica vs two.

    python -m bench.scale_bench stores [--clients 8] [--seconds 10]

Every replica is a real ``supportdesk serve kb`` (or ``memory``) process. The baseline is one
replica on local disk (the embedded default), measured in the same run; then one and two
replicas on one bucket of a moto S3 server started here, taking write turns in a fresh
PostgreSQL database. Load: kb — searches on never-seen queries, one call in ten an article
upsert; memory — half ``remember`` (new content), half ``recall``. With two replicas the
clients alternate between them. After each scenario the store is counted: every write that
succeeded must be there exactly once ("lost/doubled" must be 0).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import lancedb
from fastmcp import Client

from bench.stats import summary
from core.object_storage import StoreLocation
from tests.support.processes import http_server
from tests.support.s3 import s3_server
from tests.support.services import postgres_database

TOPICS = ("export", "invoice", "password", "billing", "integration", "permissions", "SSO",
          "notifications", "mobile app", "API limits", "archived boards", "refund")


@dataclass
class Tally:
    reads: int = 0
    writes: int = 0
    errors: list[str] = field(default_factory=list)
    latency: list[float] = field(default_factory=list)
    written: set[str] = field(default_factory=set)


def kb_call(n: int) -> tuple[str, dict, str | None]:
    if n % 10 == 9:
        article_id = f"bench-{n}"
        return "upsert_article", {
            "article_id": article_id, "title": f"Bench article {n}", "category": "bench",
            "body": f"How to handle {TOPICS[n % len(TOPICS)]} case number {n} step by step.",
        }, article_id
    topic = TOPICS[n % len(TOPICS)]
    return "search", {"query": f"{topic} question {n}", "limit": 5}, None


def memory_call(n: int) -> tuple[str, dict, str | None]:
    customer = f"C-{n % 20}"
    if n % 2:
        return "remember", {"customer_id": customer,
                            "content": f"Asked about {TOPICS[n % len(TOPICS)]} on visit {n}."}, "m"
    return "recall", {"query": TOPICS[n % len(TOPICS)], "customer_id": customer}, None


async def run_load(urls: list[str], make_call, clients: int, seconds: float) -> tuple[Tally, float]:
    tally, counter = Tally(), itertools.count()
    deadline = time.perf_counter() + seconds

    async def client_loop(url: str) -> None:
        async with Client(url) as client:
            while time.perf_counter() < deadline:
                tool, args, written = make_call(next(counter))
                started = time.perf_counter()
                try:
                    out = (await client.call_tool(tool, args)).structured_content
                except Exception as error:  # counted and reported, never hidden
                    tally.errors.append(f"{tool}: {error}"[:160])
                    continue
                tally.latency.append(time.perf_counter() - started)
                if written is None:
                    tally.reads += 1
                    continue
                tally.writes += 1
                tally.written.add(out["memory_id"] if written == "m" else written)

    started = time.perf_counter()
    await asyncio.gather(*(client_loop(urls[i % len(urls)]) for i in range(clients)))
    return tally, time.perf_counter() - started


async def stored(location: StoreLocation, server: str) -> list[str]:
    """The bench's writes as the store holds them, read straight from it."""
    db = await lancedb.connect_async(location.uri,
                                     storage_options=location.storage_options or None)
    if server == "kb":
        table = await db.open_table("articles")
        rows = await table.query().where("category = 'bench'").select(["id"]).to_list()
    else:
        table = await db.open_table("memories")
        rows = await table.query().select(["id"]).to_list()
    return [row["id"] for row in rows]


def run(clients: int, seconds: float) -> None:
    with ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        s3 = stack.enter_context(s3_server(scratch / "moto.log"))
        database = stack.enter_context(postgres_database())
        turns = f"postgresql://postgres@127.0.0.1:5432/{database}"
        print(f"{clients} clients, {seconds:.0f} s per scenario; {os.cpu_count()} cores, "
              "replicas, moto S3 and PostgreSQL on this machine")
        print(f"{'server':<7} {'scenario':<29} {'ops/s':>7} {'ratio':>6} {'p50/p99 ms':>13} "
              f"{'writes':>6} {'errors':>6} {'lost/doubled':>12}")
        for server, make_call, uri_variable in (
            ("kb", kb_call, "SUPPORTDESK_KB_URI"),
            ("memory", memory_call, "SUPPORTDESK_MEMORY_LONG_TERM_URI"),
        ):
            shared = {**s3.settings(), uri_variable: f"s3://{s3.new_bucket()}/{server}",
                      "SUPPORTDESK_JOBS_DATABASE_URL": turns,
                      "SUPPORTDESK_KB_REFRESH_SECONDS": "1"}
            baseline = None
            for scenario, replicas, env in (
                ("local disk, one replica", 1, {}),
                ("object storage, one replica", 1, shared),
                ("object storage, two replicas", 2, shared),
            ):
                tag = f"{server}-{scenario.split(',')[0].replace(' ', '-')}-{replicas}"
                with ExitStack() as servers:
                    urls = [servers.enter_context(http_server(
                        server, data_dir=scratch / f"{tag}-{n}", env=env, timeout=180)).mcp_url
                        for n in range(replicas)]
                    asyncio.run(run_load(urls, make_call, clients, 2.0))  # warm up
                    tally, elapsed = asyncio.run(run_load(urls, make_call, clients, seconds))
                store_file = "kb.lance" if server == "kb" else "memory.lance"
                location = (s3.location(env[uri_variable]) if env
                            else StoreLocation.local(scratch / f"{tag}-0" / store_file))
                held = asyncio.run(stored(location, server))
                rate = (tally.reads + tally.writes) / elapsed
                baseline = baseline or rate
                wrong = len(tally.written - set(held)) + (len(held) - len(set(held)))
                p = summary(tally.latency or [0.0])
                print(f"{server:<7} {scenario:<29} {rate:>7.1f} {rate / baseline:>6.2f} "
                      f"{p['p50_ms']:>6.0f}/{p['p99_ms']:<6.0f} {tally.writes:>6} "
                      f"{len(tally.errors):>6} {wrong:>12}")
                for error in sorted(set(tally.errors))[:3]:
                    print(f"    error: {error}")
