"""A TLS-terminating TCP proxy in front of a plaintext broker, for TLS tests.

The Tansu build the tests use accepts ``--cert`` but still listens in plaintext, so TLS is put
in front of it: clients speak TLS to the proxy, the proxy speaks plain TCP to the broker. The
broker advertises the proxy's address, so every connection a client makes after bootstrap
goes through TLS too. With ``client_ca`` the proxy also demands a client certificate (mTLS).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from pathlib import Path

from tests.support.certificates import Issued


def server_context(identity: Issued, client_ca: Path | None = None) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(identity.cert, identity.key)
    if client_ca is not None:
        context.load_verify_locations(client_ca)
        context.verify_mode = ssl.CERT_REQUIRED
    return context


class TlsProxy:
    """Listens with TLS on 127.0.0.1:``port`` and pipes each connection to ``upstream``;
    runs in the test's event loop (``async with``)."""

    def __init__(self, port: int, upstream: tuple[str, int], context: ssl.SSLContext) -> None:
        self.port = port
        self.upstream = upstream
        self.context = context
        self.connections = 0
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def __aenter__(self) -> TlsProxy:
        # A failed handshake never reaches _serve: asyncio closes that connection itself.
        self._server = await asyncio.start_server(
            self._serve, "127.0.0.1", self.port, ssl=self.context, ssl_handshake_timeout=5
        )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._pipes):
            task.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)
        await self._server.wait_closed()

    async def _serve(self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter):
        self.connections += 1
        try:
            broker_in, broker_out = await asyncio.open_connection(*self.upstream)
        except OSError:
            client_out.close()
            return
        pipes = [asyncio.create_task(_pipe(client_in, broker_out)),
                 asyncio.create_task(_pipe(broker_in, client_out))]
        self._pipes.update(pipes)
        try:
            await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in pipes:
                task.cancel()
                self._pipes.discard(task)
            for writer in (broker_out, client_out):
                writer.close()


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError, ConnectionError):
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
