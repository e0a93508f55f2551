"""Kafka security settings: what start-up refuses (naming the variable), and the aiokafka
connection arguments every client kind is built with."""

import ssl

import pytest
from pydantic import ValidationError

from events import EventSettings, bus_from_settings
from events.errors import KafkaConfigError
from events.kafka import client_options, producer_options
from events.kafka_security import connection_options
from tests.support.certificates import make_ca

PASSWORD = "pw-that-must-stay-hidden"
PREFIX = "SUPPORTDESK_EVENTS_"


def from_env(monkeypatch, **variables: str) -> EventSettings:
    """EventSettings as a process builds them at start-up: from the environment."""
    for name, value in variables.items():
        monkeypatch.setenv(f"{PREFIX}{name}", value)
    return EventSettings()


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"KAFKA_SECURITY_PROTOCOL": "SASL_SSL"},
         "SASL_SSL needs SUPPORTDESK_EVENTS_KAFKA_SASL_USERNAME and "
         "SUPPORTDESK_EVENTS_KAFKA_SASL_PASSWORD"),
        ({"KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "KAFKA_SASL_USERNAME": "alice"},
         "needs SUPPORTDESK_EVENTS_KAFKA_SASL_PASSWORD"),
        ({"KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SASL_USERNAME": " ",
          "KAFKA_SASL_PASSWORD": PASSWORD},
         "needs SUPPORTDESK_EVENTS_KAFKA_SASL_USERNAME"),
        ({"KAFKA_SASL_USERNAME": "alice", "KAFKA_SASL_PASSWORD": PASSWORD},
         "SUPPORTDESK_EVENTS_KAFKA_SECURITY_PROTOCOL=PLAINTEXT does not use SASL"),
        ({"KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "KAFKA_SASL_MECHANISM": "PLAIN",
          "KAFKA_SASL_USERNAME": "alice", "KAFKA_SASL_PASSWORD": PASSWORD},
         "SUPPORTDESK_EVENTS_KAFKA_SASL_MECHANISM=PLAIN sends the password itself"),
        ({"KAFKA_SECURITY_PROTOCOL": "SSL", "KAFKA_SSL_CAFILE": "/no/such/ca.pem"},
         "SUPPORTDESK_EVENTS_KAFKA_SSL_CAFILE=/no/such/ca.pem: no such file"),
        ({"KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SASL_USERNAME": "alice",
          "KAFKA_SASL_PASSWORD": PASSWORD, "KAFKA_SSL_CAFILE": "/no/such/ca.pem"},
         "SUPPORTDESK_EVENTS_KAFKA_SSL_CAFILE=/no/such/ca.pem: no such file"),
        ({"KAFKA_SSL_CAFILE": __file__},
         "SUPPORTDESK_EVENTS_KAFKA_SSL_CAFILE set, but "
         "SUPPORTDESK_EVENTS_KAFKA_SECURITY_PROTOCOL=PLAINTEXT does not use TLS"),
        ({"KAFKA_SECURITY_PROTOCOL": "SSL", "KAFKA_SSL_KEYFILE": __file__},
         "SUPPORTDESK_EVENTS_KAFKA_SSL_KEYFILE needs SUPPORTDESK_EVENTS_KAFKA_SSL_CERTFILE"),
    ],
)
def test_start_up_refuses_inconsistent_security_naming_the_variable(
    monkeypatch, variables, named
):
    with pytest.raises(ValidationError) as refused:
        from_env(monkeypatch, **variables)
    assert named in str(refused.value)
    assert PASSWORD not in str(refused.value)  # inputs are hidden from the error


def test_plaintext_is_the_default_and_adds_only_the_protocol():
    settings = EventSettings(kafka_bootstrap_servers="kafka:9092")
    assert connection_options(settings) == {"security_protocol": "PLAINTEXT"}


def test_sasl_ssl_maps_to_a_verifying_tls_context_and_the_credentials(monkeypatch, tmp_path):
    ca = make_ca(tmp_path)
    settings = from_env(
        monkeypatch, KAFKA_BOOTSTRAP_SERVERS="kafka:9093", KAFKA_SECURITY_PROTOCOL="SASL_SSL",
        KAFKA_SASL_MECHANISM="SCRAM-SHA-512", KAFKA_SASL_USERNAME="supportdesk",
        KAFKA_SASL_PASSWORD=PASSWORD, KAFKA_SSL_CAFILE=str(ca.cert),
    )
    options = connection_options(settings)
    context = options.pop("ssl_context")
    assert options == {
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "supportdesk",
        "sasl_plain_password": PASSWORD,
    }
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert [dict(c["subject"][0])["commonName"] for c in context.get_ca_certs()] == ["test-ca"]


def test_ssl_without_a_ca_file_trusts_the_system_cas_and_sends_no_credentials():
    settings = EventSettings(kafka_bootstrap_servers="kafka:9093", kafka_security_protocol="SSL")
    options = connection_options(settings)
    assert set(options) == {"security_protocol", "ssl_context"}
    assert options["ssl_context"].verify_mode == ssl.CERT_REQUIRED


def test_sasl_plaintext_sends_no_tls_context():
    settings = EventSettings(
        kafka_security_protocol="SASL_PLAINTEXT", kafka_sasl_mechanism="SCRAM-SHA-256",
        kafka_sasl_username="alice", kafka_sasl_password=PASSWORD,
    )
    options = connection_options(settings)
    assert options["security_protocol"] == "SASL_PLAINTEXT" and "ssl_context" not in options
    assert options["sasl_mechanism"] == "SCRAM-SHA-256"


def test_producer_consumer_and_admin_options_all_carry_the_security(tmp_path):
    """The consumer and admin client are built from client_options, the producers (relay and
    dead letters) from producer_options: both must carry the same connection arguments."""
    ca = make_ca(tmp_path)
    client = ca.issue(tmp_path, "client", client=True)
    settings = EventSettings(
        kafka_bootstrap_servers="kafka:9093", kafka_security_protocol="SASL_SSL",
        kafka_sasl_username="alice", kafka_sasl_password=PASSWORD,
        kafka_ssl_cafile=ca.cert, kafka_ssl_certfile=client.cert, kafka_ssl_keyfile=client.key,
    )
    for options in (client_options(settings), producer_options(settings)):
        assert options["security_protocol"] == "SASL_SSL"
        assert isinstance(options["ssl_context"], ssl.SSLContext)
        assert options["sasl_plain_password"] == PASSWORD


def test_a_ca_file_that_is_not_pem_fails_the_start_naming_the_variable(tmp_path):
    not_pem = tmp_path / "ca.pem"
    not_pem.write_text("this is not a certificate\n")
    settings = EventSettings(
        outbox_path=tmp_path / "events.db", kafka_bootstrap_servers="kafka:9093",
        kafka_security_protocol="SSL", kafka_ssl_cafile=not_pem,
    )
    with pytest.raises(KafkaConfigError) as refused:
        bus_from_settings(settings, tmp_path)
    assert f"SUPPORTDESK_EVENTS_KAFKA_SSL_CAFILE={not_pem}" in str(refused.value)


def test_a_client_key_that_does_not_match_its_certificate_is_named(tmp_path):
    ca = make_ca(tmp_path)
    one, other = ca.issue(tmp_path, "one", client=True), ca.issue(tmp_path, "two", client=True)
    settings = EventSettings(
        kafka_security_protocol="SSL", kafka_ssl_certfile=one.cert, kafka_ssl_keyfile=other.key
    )
    with pytest.raises(KafkaConfigError) as refused:
        connection_options(settings)
    assert "SUPPORTDESK_EVENTS_KAFKA_SSL_CERTFILE" in str(refused.value)


def test_the_password_stays_out_of_repr_and_description(tmp_path):
    settings = EventSettings(
        outbox_path=tmp_path / "events.db", kafka_bootstrap_servers="kafka:9093",
        kafka_security_protocol="SASL_SSL", kafka_sasl_mechanism="PLAIN",
        kafka_sasl_username="alice", kafka_sasl_password=PASSWORD,
    )
    bus = bus_from_settings(settings, tmp_path)
    texts = [repr(settings), str(settings), settings.model_dump_json(), bus.describe(),
             settings.describe_security()]
    assert "SASL_SSL, PLAIN as alice, CA system" in bus.describe()
    assert all(PASSWORD not in text for text in texts)
