"""How every Kafka client of the bus connects (TLS, SASL), and what to say when a broker refuses.

``connection_options`` is the one place the settings become aiokafka's connection arguments;
``events.kafka.client_options`` adds them for the producer, the consumers and the admin client
alike, so none of them is left on plaintext.

aiokafka reports a refused TLS handshake or SASL login as "Unable to bootstrap" (the cause only
in its own log), or for SCRAM as a bare ``KeyError``. ``connect_failure`` turns such a failure
into one error a person can act on, by retrying the first broker once on a raw connection.
"""

from __future__ import annotations

import logging
import ssl
from typing import Any

from aiokafka.conn import create_conn
from aiokafka.errors import (
    AuthenticationFailedError,
    IllegalSaslStateError,
    KafkaConnectionError,
    KafkaError,
    SaslAuthenticationFailed,
    UnsupportedSaslMechanismError,
)
from aiokafka.helpers import create_ssl_context

from events.errors import BrokerRefused, BrokerUnavailable, KafkaConfigError
from events.settings import EventSettings, env_name

# What starting an aiokafka client can raise: aiokafka's SCRAM client fails with KeyError /
# ValueError when the broker answers its proof with an error instead of a signature.
START_ERRORS: tuple[type[BaseException], ...] = (
    KafkaError, OSError, TimeoutError, KeyError, ValueError
)
SASL_AUTHENTICATE = 36  # Kafka API key of SaslAuthenticate requests


def connection_options(settings: EventSettings) -> dict[str, Any]:
    """aiokafka's security arguments for ``settings`` (the same for every client kind)."""
    options: dict[str, Any] = {"security_protocol": settings.kafka_security_protocol}
    if settings.uses_tls:
        options["ssl_context"] = ssl_context(settings)
    if settings.uses_sasl:
        assert settings.kafka_sasl_password is not None  # the settings refuse SASL without it
        hide_sasl_tokens()
        options.update(
            sasl_mechanism=settings.kafka_sasl_mechanism,
            sasl_plain_username=settings.kafka_sasl_username,
            sasl_plain_password=settings.kafka_sasl_password.get_secret_value(),
        )
    return options


def ssl_context(settings: EventSettings) -> ssl.SSLContext:
    """A client TLS context that verifies the broker (system CAs unless a CA file is given).
    Built for each client, so certificates rotated on disk are picked up on reconnect."""
    cafile = settings.kafka_ssl_cafile
    try:
        context = create_ssl_context(cafile=cafile)
    except (ssl.SSLError, OSError) as error:
        raise KafkaConfigError(
            f"{env_name('kafka_ssl_cafile')}={cafile}: cannot load it as PEM CA "
            f"certificates: {_reason(error)}"
        ) from error
    if settings.kafka_ssl_certfile is not None:
        try:
            context.load_cert_chain(settings.kafka_ssl_certfile, settings.kafka_ssl_keyfile)
        except (ssl.SSLError, OSError) as error:
            raise KafkaConfigError(
                f"{env_name('kafka_ssl_certfile')}={settings.kafka_ssl_certfile} / "
                f"{env_name('kafka_ssl_keyfile')}={settings.kafka_ssl_keyfile}: cannot load "
                f"the client certificate and its key: {_reason(error)}"
            ) from error
    return context


async def connect_failure(
    settings: EventSettings, doing: str, error: BaseException
) -> BrokerUnavailable:
    """The error to raise or log after a client failed to start: ``BrokerRefused`` naming the
    cause when the broker refuses our TLS or SASL, else ``BrokerUnavailable`` (an outage)."""
    reason = await refusal(settings) if settings.uses_tls or settings.uses_sasl else None
    if reason is not None:
        return BrokerRefused(f"kafka: {doing}: {reason}")
    return BrokerUnavailable(f"kafka: {doing}: {error!r}")


async def refusal(settings: EventSettings) -> str | None:
    """Why the first bootstrap server refuses this client; None when it does not (it may just
    be down, which the relay waits out)."""
    first = settings.bootstrap_list()[0]
    host, colon, port = first.rpartition(":")
    host, port = (host, int(port)) if colon else (first, 9092)
    where = f"{host}:{port}"
    try:
        conn = await create_conn(
            host, port, client_id=settings.kafka_client_id,
            request_timeout_ms=settings.kafka_request_timeout_ms, **connection_options(settings)
        )
    except ssl.SSLCertVerificationError as error:
        trusted = settings.kafka_ssl_cafile or "the system CAs"
        return (f"TLS: the certificate of {where} is not trusted ({error.verify_message}); "
                f"trusted: {trusted} ({env_name('kafka_ssl_cafile')})")
    except ssl.SSLError as error:
        return (f"TLS handshake with {where} failed ({_reason(error)}): is it a TLS listener? "
                f"({env_name('kafka_security_protocol')}={settings.kafka_security_protocol})")
    except UnsupportedSaslMechanismError as error:
        return (f"SASL: {where} does not accept {settings.kafka_sasl_mechanism} "
                f"({env_name('kafka_sasl_mechanism')}): {error}")
    except (SaslAuthenticationFailed, AuthenticationFailedError, IllegalSaslStateError) as error:
        return f"{_login_refused(settings, where)}: {error}"
    except (KeyError, ValueError) as error:
        return (f"{_login_refused(settings, where)}: the SCRAM exchange ended in an error "
                f"instead of the broker's signature ({type(error).__name__}: {error})")
    except KafkaConnectionError as error:
        # A TLS server that wants a client certificate says so in an alert asyncio drops:
        # all the client sees is the connection closing after the handshake.
        if settings.uses_tls and settings.kafka_ssl_certfile is None and "closed" in str(error):
            return (f"TLS: {where} closed the connection after the handshake without "
                    "answering: if it requires a client certificate (mTLS), set "
                    f"{env_name('kafka_ssl_certfile')} and {env_name('kafka_ssl_keyfile')}")
        return None
    except (KafkaError, OSError, TimeoutError):
        return None
    conn.close()
    return None


def _login_refused(settings: EventSettings, where: str) -> str:
    return (f"SASL: {where} refused the login as {settings.kafka_sasl_username!r} with "
            f"{settings.kafka_sasl_mechanism}: check {env_name('kafka_sasl_username')} and "
            f"{env_name('kafka_sasl_password')}")


def _reason(error: BaseException) -> str:
    return str(getattr(error, "reason", None) or getattr(error, "strerror", None) or error)


class HideSaslTokens(logging.Filter):
    """aiokafka logs every request at DEBUG, a SASL/PLAIN login with the password in it:
    hide the token of SaslAuthenticate requests before any handler sees the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(
            getattr(arg, "API_KEY", None) == SASL_AUTHENTICATE for arg in record.args
        ):
            record.args = tuple(
                "SaslAuthenticateRequest(<hidden>)"
                if getattr(arg, "API_KEY", None) == SASL_AUTHENTICATE else arg
                for arg in record.args
            )
        return True


def hide_sasl_tokens() -> None:
    """Install ``HideSaslTokens`` on aiokafka's connection logger, once per process."""
    conn_logger = logging.getLogger("aiokafka.conn")
    if not any(isinstance(f, HideSaslTokens) for f in conn_logger.filters):
        conn_logger.addFilter(HideSaslTokens())
