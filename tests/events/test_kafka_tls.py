"""Kafka over TLS against a real broker (Tansu behind a TLS proxy, certificates minted here):
the relay, the admin client and a consumer group all connect with TLS; a client that trusts
another CA, or lacks the client certificate mTLS asks for, gets nothing through."""

import json
import logging

import pytest

from events import BrokerUnavailable, bus_from_settings, consuming
from events.errors import BrokerRefused
from events.kafka import KafkaSink, ensure_topics
from events.kafka_security import connection_options
from tests.events.collect import Collector, read_topic
from tests.events.samples import received, ticket_created
from tests.events.secured_broker import secured_broker
from tests.support.certificates import make_ca


async def test_events_go_from_the_relay_to_a_consumer_group_over_tls(tmp_path):
    events = [received(f"R-{i % 3}", i // 3) for i in range(9)]
    async with secured_broker(tmp_path) as secured:
        settings = secured.settings()
        async with bus_from_settings(settings, tmp_path) as bus:
            assert "SSL" in bus.describe()
            await bus.publish(*events, ticket_created("T-9"))
            await bus.relay.wait_idle(20)
            seen = Collector()
            async with consuming(bus.consumer("tls-group", families={"request"}), seen):
                await seen.until(lambda c: len(c.unique_ids) == len(events))
        records = await read_topic(secured.bootstrap, settings.topic_for("ticket"),
                                   **connection_options(settings))
        connections = secured.proxy.connections

    assert {e.id for e in seen.events} == {e.id for e in events}
    assert [json.loads(r.value)["type"] for r in records] == ["ticket.created"]
    # Every client found the broker through the TLS listener: bootstrap, the leader
    # connections of producer and consumer, the admin client, the group coordinator.
    assert connections >= 4


async def test_a_client_trusting_another_ca_is_refused_with_a_clear_error(tmp_path, caplog):
    stranger = make_ca(tmp_path / "other-pki", "someone-else")
    async with secured_broker(tmp_path) as secured:
        settings = secured.settings(kafka_ssl_cafile=stranger.cert)
        sink = KafkaSink(settings)
        with pytest.raises(BrokerRefused) as refused:
            await sink.send([])
        await sink.close()
        with pytest.raises(BrokerRefused) as admin_refused:
            await ensure_topics(settings, [settings.topic_for("ticket")])

        caplog.set_level(logging.WARNING, logger="events")
        async with bus_from_settings(settings, tmp_path) as bus:
            await bus.publish(received("R-1"))
            await bus.relay.outage.wait()
            assert await bus.outbox.count_unrelayed() == 1  # kept until TLS is fixed

    message = str(refused.value)
    assert "not trusted" in message
    assert f"127.0.0.1:{secured.proxy.port}" in message
    assert str(stranger.cert) in message
    assert "SUPPORTDESK_EVENTS_KAFKA_SSL_CAFILE" in message
    assert "not trusted" in str(admin_refused.value)
    assert any("not trusted" in r.getMessage() for r in caplog.records)


async def test_mutual_tls_delivers_with_a_client_certificate_and_not_without(tmp_path):
    async with secured_broker(tmp_path, require_client_cert=True) as secured:
        client = secured.ca.issue(tmp_path / "pki", "supportdesk-client", client=True)
        with_cert = secured.settings(kafka_ssl_certfile=client.cert,
                                     kafka_ssl_keyfile=client.key)
        async with bus_from_settings(with_cert, tmp_path) as bus:
            await bus.publish(ticket_created("T-1"))
            await bus.relay.wait_idle(20)
        records = await read_topic(secured.bootstrap, with_cert.topic_for("ticket"),
                                   **connection_options(with_cert))

        without_cert = secured.settings(outbox_path=tmp_path / "other.db")
        sink = KafkaSink(without_cert)
        with pytest.raises(BrokerUnavailable) as refused:
            await sink.send([])
        await sink.close()

    assert len(records) == 1
    # The TLS alert does not reach the client; the error still points at the likely cause.
    assert "SUPPORTDESK_EVENTS_KAFKA_SSL_CERTFILE" in str(refused.value)
