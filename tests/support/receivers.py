"""Real receivers for notifications: an HTTP server that records what it is sent (and can be
told to fail), and an SMTP server with STARTTLS and a login (aiosmtpd)."""

from __future__ import annotations

import json
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.support.certificates import make_ca


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class HttpReceiver:
    """POSTs land in ``received``; the next ``fail_next`` requests get a 503."""

    port: int = field(default_factory=free_port)
    received: list[Received] = field(default_factory=list)
    fail_next: int = 0
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> HttpReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if receiver.fail_next > 0:
                    receiver.fail_next -= 1
                    self.send_response(503)
                else:
                    receiver.received.append(Received(dict(self.headers.items()), body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.received)


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd)
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


@dataclass
class SmtpReceiver:
    """An SMTP server on loopback that insists on STARTTLS and a login."""

    directory: Path
    username: str = "notifier"
    password: str = "s3cret-for-tests"
    port: int = field(default_factory=free_port)
    ca_file: Path | None = None
    _controller: Controller | None = None
    _inbox: _Inbox = field(default_factory=_Inbox)

    def start(self) -> SmtpReceiver:
        ca = make_ca(self.directory / "smtp-ca")
        issued = ca.issue(self.directory / "smtp-ca", "smtp")
        self.ca_file = ca.cert
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(issued.cert, issued.key)

        def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
            ok = (isinstance(auth_data, LoginPassword)
                  and auth_data.login.decode() == self.username
                  and auth_data.password.decode() == self.password)
            return AuthResult(success=ok, handled=False)

        self._controller = Controller(
            self._inbox, hostname="127.0.0.1", port=self.port, tls_context=context,
            require_starttls=True, authenticator=authenticate, auth_required=True,
            auth_require_tls=True,
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[tuple[list[str], Message]]:
        return list(self._inbox.messages)

    def wait_for(self, count: int, timeout: float = 30.0) -> list[tuple[list[str], Message]]:
        deadline = time.monotonic() + timeout
        while len(self._inbox.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages
