"""A real S3-compatible server for tests: moto in server mode (from PyPI), on a free port.

It honours conditional writes (``If-None-Match: *``), which LanceDB's commits on S3 rely on.
Each test takes a bucket of its own; the settings below point a server process at it.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from core.object_storage import StoreLocation
from tests.support.processes import free_port, stop
from tests.support.services import unavailable, wait_until

ACCESS = {"SUPPORTDESK_S3_ACCESS_KEY_ID": "test", "SUPPORTDESK_S3_SECRET_ACCESS_KEY": "test",
          "SUPPORTDESK_S3_REGION": "us-east-1", "SUPPORTDESK_S3_ALLOW_HTTP": "true"}


@dataclass
class S3Server:
    endpoint: str

    def new_bucket(self) -> str:
        name = f"supportdesk-{uuid.uuid4().hex[:12]}"
        httpx.put(f"{self.endpoint}/{name}", timeout=10).raise_for_status()
        return name

    def location(self, uri: str) -> StoreLocation:
        """The store at ``uri`` on this server, as a process given ``settings()`` opens it."""
        return StoreLocation(uri, {"endpoint": self.endpoint, "aws_access_key_id": "test",
                                   "aws_secret_access_key": "test", "region": "us-east-1",
                                   "allow_http": "true"})

    def settings(self) -> dict[str, str]:
        """The SUPPORTDESK_S3_* variables of a server process using this store."""
        return {"SUPPORTDESK_S3_ENDPOINT": self.endpoint, **ACCESS}


@contextmanager
def s3_server(log: Path) -> Iterator[S3Server]:
    if importlib.util.find_spec("moto") is None or importlib.util.find_spec("flask") is None:
        unavailable("moto[s3] and flask are not installed (pip install -e '.[test]')")
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    server = S3Server(f"http://127.0.0.1:{port}")

    def answers() -> bool:
        try:
            return httpx.get(f"{server.endpoint}/moto-api/", timeout=1).status_code < 500
        except httpx.HTTPError:
            return process.poll() is not None  # exited: stop waiting, fail below

    try:
        wait_until(answers, timeout=30, what="moto S3 server")
        if process.poll() is not None:
            unavailable(f"moto S3 server exited: {log.read_text(errors='replace')[-500:]}")
        yield server
    finally:
        stop(process)
