"""Orchestrator evaluation and latency, offline engine, over the bundled demo data.

    python -m bench.orchestrator_bench eval      # accuracy of triage_and_resolve end to end
    python -m bench.orchestrator_bench latency   # p50/p99 in memory and over HTTP, 8 clients

Every request goes through the real MCP tool: triage, research, solution, quality, the
approval policy, CRM and memory writes. Targets (issue 5): category >= 90%, route >= 90%,
answering article cited >= 85%; p50 <= 150 ms offline in memory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
from collections import Counter
from pathlib import Path

from fastmcp import Client

from bench.drive import drive, target
from bench.stats import summary
from events import NullPublisher
from servers.settings import CoreSettings
from servers.suite import build_suite

REQUESTS = Path(__file__).parent / "eval" / "requests.jsonl"
# Demo CRM customers standing in for each (tier, VIP) of the dataset.
CUSTOMERS = {
    ("free", False): "bob@example.com",
    ("pro", False): "carmen@example.org",
    ("pro", True): "grace@example.org",
    ("enterprise", False): "dev@example.com",
    ("enterprise", True): "ada@example.com",
}


def load_requests() -> list[dict]:
    return [json.loads(line) for line in REQUESTS.read_text().splitlines() if line.strip()]


def arguments(item: dict) -> dict:
    return {
        "customer": CUSTOMERS[(item["customer_tier"], item["vip"])],
        "subject": item["subject"] or "(no subject)",
        "message": item["message"],
    }


def route_of(status: str) -> str:
    """A human decides for pending approvals and for escalations alike."""
    return "resolved" if status == "resolved" else "approval"


def echo_server(built):
    @built.server.tool
    def echo(text: str) -> str:
        """Return the text unchanged (benchmark baseline)."""
        return text

    return built.server


async def evaluate() -> None:
    items = load_requests()
    with tempfile.TemporaryDirectory() as data_dir:
        built = build_suite(CoreSettings(data_dir=Path(data_dir)), NullPublisher())
        async with Client(built.server) as client:
            outcomes = [
                (await client.call_tool("triage_and_resolve", arguments(item))).structured_content
                for item in items
            ]
    category = sum(o["category"] == i["expected_category"] for o, i in zip(outcomes, items))
    priority = sum(o["priority"] == i["expected_priority"] for o, i in zip(outcomes, items))
    route = sum(route_of(o["status"]) == i["expected_route"] for o, i in zip(outcomes, items))
    answerable = [(o, i) for o, i in zip(outcomes, items) if i["answering_article"]]
    cited = sum(
        i["answering_article"] in [c["article_id"] for c in o["citations"]] for o, i in answerable
    )
    majority = Counter(i["expected_route"] for i in items).most_common(1)[0]
    n = len(items)
    print(f"{n} requests through triage_and_resolve (offline engine, in memory)")
    print(f"  category accuracy        {category / n:6.1%}  (target >= 90%)")
    print(f"  priority accuracy        {priority / n:6.1%}")
    print(f"  route accuracy           {route / n:6.1%}  (target >= 90%; baseline "
          f"'always {majority[0]}' {majority[1] / n:.1%}, ratio {route / majority[1]:.2f})")
    print(f"  answering article cited  {cited / len(answerable):6.1%}  of {len(answerable)} "
          "answerable (target >= 85%)")
    print(f"  statuses: {dict(Counter(o['status'] for o in outcomes))}")


async def latency(calls: int, clients: int) -> None:
    items = [item for item in load_requests() if item["expected_route"] == "resolved"]
    rng = random.Random(3)
    with tempfile.TemporaryDirectory() as data_dir:
        built = build_suite(CoreSettings(data_dir=Path(data_dir)), NullPublisher())
        server = echo_server(built)
        async with Client(server) as client:
            for item in items[:5]:
                await client.call_tool("triage_and_resolve", arguments(item))
            resolve, echo = [], []
            for _ in range(calls):
                started = time.perf_counter()
                await client.call_tool("triage_and_resolve", arguments(rng.choice(items)))
                resolve.append(time.perf_counter() - started)
                started = time.perf_counter()
                await client.call_tool("echo", {"text": "hi"})
                echo.append(time.perf_counter() - started)
    print(f"in memory, sequential, {calls} calls each")
    for name, samples in (("triage_and_resolve", resolve), ("echo (baseline)", echo)):
        stats = summary(samples)
        print(f"  {name:20s} p50 {stats['p50_ms']:7.2f} ms  p99 {stats['p99_ms']:7.2f} ms")
    print(f"  p50 ratio {summary(resolve)['p50_ms'] / summary(echo)['p50_ms']:.1f}x the trivial "
          "tool (target: resolve p50 <= 150 ms)")

    with tempfile.TemporaryDirectory() as data_dir:
        with target("bench.orchestrator_target", "--data-dir", data_dir) as url:
            await drive(url, "triage_and_resolve", lambda r: arguments(r.choice(items)), 2, 3)
            rate, lat = await drive(url, "triage_and_resolve",
                                    lambda r: arguments(r.choice(items)), clients, calls // clients)
            echo_rate, echo_lat = await drive(url, "echo", lambda r: {"text": "hi"}, clients,
                                              calls // clients)
    print(f"streamable HTTP, {clients} concurrent clients")
    for name, r, samples in (("triage_and_resolve", rate, lat), ("echo (baseline)", echo_rate,
                                                                 echo_lat)):
        stats = summary(samples)
        print(f"  {name:20s} {r:8.1f} calls/s  p50 {stats['p50_ms']:7.2f} ms  "
              f"p99 {stats['p99_ms']:7.2f} ms")
    print(f"  resolutions/s vs trivial calls/s: {rate / echo_rate:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("eval")
    lat = sub.add_parser("latency")
    lat.add_argument("--calls", type=int, default=80)
    lat.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    if args.what == "eval":
        asyncio.run(evaluate())
    else:
        asyncio.run(latency(args.calls, args.clients))


if __name__ == "__main__":
    main()
