"""Benchmark plumbing: a target server in its own process, and clients driving one tool."""

from __future__ import annotations

import asyncio
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastmcp import Client


async def drive(
    url: str,
    tool: str,
    make_args: Callable[[random.Random], dict[str, Any]],
    clients: int,
    calls: int,
) -> tuple[float, list[float]]:
    """``clients`` sessions each making ``calls`` calls; returns (calls/s, latencies in s)."""
    latencies: list[float] = []

    async def worker(seed: int) -> None:
        rng = random.Random(seed)
        async with Client(url) as client:
            for _ in range(calls):
                started = time.perf_counter()
                await client.call_tool(tool, make_args(rng))
                latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(clients)))
    return clients * calls / (time.perf_counter() - started), latencies


@contextmanager
def target(module: str, *args: str) -> Iterator[str]:
    """``python -m MODULE --port P ARGS`` on a free port; yields its /mcp URL once ready."""
    from tests.support.processes import RunningServer, _wait_ready, free_port, stop

    port = free_port()
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "target.log"
        with log.open("wb") as log_file:
            process = subprocess.Popen(
                [sys.executable, "-m", module, "--port", str(port), *args],
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            running = RunningServer(process, f"http://127.0.0.1:{port}", log)
            _wait_ready(running, timeout=120)
            yield running.mcp_url
        finally:
            stop(process)
