"""Real ``supportdesk`` processes for transport tests: started on a free port, stopped by PID."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

SUPPORTDESK = str(Path(sys.executable).with_name("supportdesk"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(data_dir: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUPPORTDESK_")}
    env.update({"SUPPORTDESK_DATA_DIR": str(data_dir), "SUPPORTDESK_LOG_LEVEL": "WARNING"})
    env.update(extra or {})
    return env


@dataclass
class RunningServer:
    process: subprocess.Popen
    base_url: str
    log: Path

    @property
    def mcp_url(self) -> str:
        return f"{self.base_url}/mcp"

    def stderr(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def http_server(
    *args: str,
    data_dir: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 60.0,
    port: int | None = None,
) -> Iterator[RunningServer]:
    """``supportdesk serve ARGS --transport http`` on a free port, ready when /readyz is."""
    port = port or free_port()
    log = data_dir / f"server-{port}.log"
    data_dir.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [SUPPORTDESK, "serve", *args, "--transport", "http", "--port", str(port)],
            env=server_env(data_dir, env),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = RunningServer(process, f"http://127.0.0.1:{port}", log)
    try:
        _wait_ready(running, timeout)
        yield running
    finally:
        stop(process)


@contextmanager
def side_by_side(
    servers: list[AbstractContextManager[RunningServer]],
) -> Iterator[list[RunningServer]]:
    """Start the servers at the same time and stop them at the same time, as pods of one
    Deployment do: a replica whose event consumer is mid-rejoin takes its full stop deadline,
    and these then overlap instead of adding up."""
    with ThreadPoolExecutor(len(servers)) as pool:
        entered = [pool.submit(server.__enter__) for server in servers]
        started = [server for server, future in zip(servers, entered, strict=True)
                   if future.exception() is None]
        try:
            yield [future.result() for future in entered]
        finally:
            for stopped in [pool.submit(server.__exit__, None, None, None) for server in started]:
                stopped.result()


def _wait_ready(server: RunningServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{server.stderr()}")
        try:
            if httpx.get(f"{server.base_url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"server not ready after {timeout}s:\n{server.stderr()}")


def stop(process: subprocess.Popen, grace: float = 10.0) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def copy_tree(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, dirs_exist_ok=True)
    return target


def killed_after_lines(module: str, *args: str, env: Mapping[str, str], lines: int) -> list[str]:
    """Run ``python -m MODULE ARGS`` until it has printed ``lines`` lines (each a write it has
    committed), then SIGKILL it: no shutdown, no flush. Returns the lines."""
    process = subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=Path(__file__).resolve().parents[2],
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        printed = [process.stdout.readline().strip() for _ in range(lines)]
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        process.stdout.close()
    assert process.returncode == -signal.SIGKILL
    assert all(printed), "the process ended before printing every line"
    return printed


SERVE_IN_PROCESS = """
import gc, os, signal, sys, threading, time
import httpx
from servers.cli import main

def until_ready():
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{sys.argv[-1]}/readyz").status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
"""
"""The start of a ``python -c`` probe that runs ``supportdesk serve`` in its own process (the
command line's last argument the port), with ``until_ready()`` for a thread of it to wait
on; the probe goes on to start that thread, then ``main(sys.argv[1:])``."""
