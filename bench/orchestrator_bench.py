"""Orchestrator evaluation and latency, offline engine, over the bundled demo data.

    python -m bench.orchestrator_bench eval      # accuracy of triage_and_resolve end to end
    python -m bench.orchestrator_bench latency   # p50/p99 in memory and over HTTP, 8 clients

Every request goes through the real MCP tool: triage, research, solution, quality, the
approval policy, CRM and memory writes. Targets: category >= 90%, route >= 90%, answering
article cited >= 85% (issue 5); offline in memory p50 <= 40 ms, and over HTTP at least 0.1
resolutions per search on never-seen queries, same server, same run (issue 17). ``latency``
also prints the CPU each call costs (the event loop's thread and all threads), and the per-step
profile: each graph step, and each call to the co-located servers.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from fastmcp import Client
from fastmcp.server.middleware import Middleware

from bench.drive import drive, target
from bench.stats import summary
from events import NullPublisher
from servers.fastmcp_spans import spans_only_when_recorded
from servers.long_lived import freeze_what_exists
from servers.settings import CoreSettings
from servers.suite import build_suite

REQUESTS = Path(__file__).parent / "eval" / "requests.jsonl"
QUICK_CALLS_PER_CLIENT = 60
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


class CallTimes(Middleware):
    """How long each tool call on one co-located server takes: the calls a resolution makes."""

    def __init__(self, server: str, samples: dict[str, list[float]]) -> None:
        self.server = server
        self.samples = samples

    async def on_call_tool(self, context, call_next):
        started = time.perf_counter()
        try:
            return await call_next(context)
        finally:
            self.samples[f"{self.server}.{context.message.name}"].append(
                time.perf_counter() - started)


def print_profile(traces: list[list[dict]], totals: list[float],
                  calls: dict[str, list[float]]) -> None:
    """The per-step profile: each graph step's p50 (from the run's own trace), what the run
    spends outside them, and each call it makes to the co-located servers."""
    runs = len(traces)
    steps: dict[str, list[float]] = defaultdict(list)
    outside = []
    for trace, total in zip(traces, totals, strict=True):
        for entry in trace:
            steps[entry["agent"]].append(entry["duration_ms"] / 1000)
        outside.append(total - sum(entry["duration_ms"] for entry in trace) / 1000)
    print(f"  per-step profile, p50 over {runs} resolutions:")
    for name, samples in [*steps.items(), ("(outside the steps: graph, checkpoints, run "
                                           "records)", outside)]:
        print(f"    {name:58s} {summary(samples)['p50_ms']:7.2f} ms")
    print("  calls to the co-located servers (some run side by side), p50 and calls per run:")
    print_calls(calls, runs)


def print_calls(calls: dict[str, list[float]], runs: int) -> None:
    for name, samples in sorted(calls.items(), key=lambda kv: -summary(kv[1])['p50_ms']):
        print(f"    {name:58s} {summary(samples)['p50_ms']:7.2f} ms  x{len(samples) / runs:.1f}")


def cpu_now() -> tuple[float, float]:
    """CPU seconds so far: this thread's (the event loop's) and the whole process's."""
    return time.thread_time(), time.process_time()


def add_cpu(total: list[float], loop_since: float, all_since: float) -> None:
    loop_now, all_now = cpu_now()
    total[0] += loop_now - loop_since
    total[1] += all_now - all_since


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
    spans_only_when_recorded()  # as `supportdesk serve` does
    with tempfile.TemporaryDirectory() as data_dir:
        built = build_suite(CoreSettings(data_dir=Path(data_dir)), NullPublisher())
        call_times: dict[str, list[float]] = defaultdict(list)
        for name, part in built.parts.items():
            if name != "orchestrator":
                part.server.add_middleware(CallTimes(name, call_times))
        server = echo_server(built)
        async with Client(server) as client:
            for item in items[:5]:
                await client.call_tool("triage_and_resolve", arguments(item))
            # As `supportdesk serve` does once its lifespans have opened: what start-up built
            # is frozen, out of the collector's full passes (else each pass, 0.1-0.2 s here,
            # lands on some resolution).
            freeze_what_exists()
            call_times.clear()
            resolve, echo, traces = [], [], []
            cpu = {"resolve": [0.0, 0.0], "echo": [0.0, 0.0]}  # [event loop's thread, all]
            for _ in range(calls):
                started, loop_cpu, all_cpu = time.perf_counter(), *cpu_now()
                result = await client.call_tool("triage_and_resolve",
                                                arguments(rng.choice(items)))
                resolve.append(time.perf_counter() - started)
                add_cpu(cpu["resolve"], loop_cpu, all_cpu)
                traces.append(result.structured_content["trace"])
                started, loop_cpu, all_cpu = time.perf_counter(), *cpu_now()
                await client.call_tool("echo", {"text": "hi"})
                echo.append(time.perf_counter() - started)
                add_cpu(cpu["echo"], loop_cpu, all_cpu)
            calls_per_run = {name: list(samples) for name, samples in call_times.items()}
            # Requests from addresses the CRM has never seen: the customer is created first.
            first_contact = []
            for i in range(calls // 2):
                started = time.perf_counter()
                await client.call_tool("triage_and_resolve", {
                    **arguments(rng.choice(items)), "customer": f"first.{i}@example.net"})
                first_contact.append(time.perf_counter() - started)
            # Known customers with subjects never seen before: each resolution is remembered
            # (a new memory, or merged into a near one), where the repeats above mostly find
            # theirs already there.
            new_subjects = []
            call_times.clear()
            for i in range(calls // 2):
                item = arguments(rng.choice(items))
                started = time.perf_counter()
                await client.call_tool("triage_and_resolve",
                                       {**item, "subject": f"{item['subject']} (case {i})"})
                new_subjects.append(time.perf_counter() - started)
            new_subject_calls = {name: list(samples) for name, samples in call_times.items()}
    print(f"in memory, sequential, {calls} calls each")
    for name, samples in (("triage_and_resolve", resolve), ("echo (baseline)", echo)):
        stats = summary(samples)
        print(f"  {name:20s} p50 {stats['p50_ms']:7.2f} ms  p99 {stats['p99_ms']:7.2f} ms")
    print(f"  p50 ratio {summary(resolve)['p50_ms'] / summary(echo)['p50_ms']:.1f}x the trivial "
          "tool (target: resolve p50 <= 40 ms)")
    for name, samples in (("first-time customers", first_contact),
                          ("new subjects", new_subjects)):
        stats = summary(samples)
        print(f"  {name:20s} p50 {stats['p50_ms']:7.2f} ms  p99 {stats['p99_ms']:7.2f} ms"
              f"  ({len(samples)} calls; {stats['p50_ms'] / summary(echo)['p50_ms']:.1f}x "
              "the trivial tool)")
    # Wall time close to the event loop's CPU time means the call is bound by that one thread:
    # waiting less would not make it faster, doing less would.
    for name, (loop_cpu, all_cpu) in cpu.items():
        print(f"  CPU per {name:8s} call: event loop {loop_cpu / calls * 1000:6.2f} ms, "
              f"all threads {all_cpu / calls * 1000:6.2f} ms")
    print_profile(traces, resolve, calls_per_run)
    print("  the same calls with new subjects, p50 and calls per run:")
    print_calls(new_subject_calls, len(new_subjects))

    unseen = itertools.count()

    def unseen_search(rng: random.Random) -> dict:
        return {"query": f"{rng.choice(items)['message']} (case {next(unseen)})", "limit": 5}

    with tempfile.TemporaryDirectory() as data_dir:
        with target("bench.orchestrator_target", "--data-dir", data_dir) as url:
            await drive(url, "triage_and_resolve", lambda r: arguments(r.choice(items)), 2, 3)
            rate, lat = await drive(url, "triage_and_resolve",
                                    lambda r: arguments(r.choice(items)), clients, calls // clients)
            # The baselines are fast: enough calls that a session's set-up does not dominate.
            quick = max(calls // clients, QUICK_CALLS_PER_CLIENT)
            search_rate, search_lat = await drive(url, "kb_search", unseen_search, clients, quick)
            echo_rate, echo_lat = await drive(url, "echo", lambda r: {"text": "hi"}, clients,
                                              quick)
    print(f"streamable HTTP, {clients} concurrent clients")
    for name, r, samples in (("triage_and_resolve", rate, lat),
                             ("kb_search, unseen", search_rate, search_lat),
                             ("echo (baseline)", echo_rate, echo_lat)):
        stats = summary(samples)
        print(f"  {name:20s} {r:8.1f} calls/s  p50 {stats['p50_ms']:7.2f} ms  "
              f"p99 {stats['p99_ms']:7.2f} ms")
    print(f"  resolutions/s vs unseen searches/s: {rate / search_rate:.3f} (target >= 0.1); "
          f"vs trivial calls/s: {rate / echo_rate:.3f}")


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
