"""The events package's errors: one base, so callers can catch the bus's failures at once."""

from __future__ import annotations


class EventBusError(Exception):
    """Base of every error the event bus raises."""


class BrokerUnavailable(EventBusError):
    """The broker could not be reached or did not accept a batch; the relay will retry."""


class BrokerRefused(BrokerUnavailable):
    """The broker answered but refused this client's TLS or SASL: the message names the cause
    and the setting to check. The relay keeps retrying (credentials may be fixed meanwhile)."""


class KafkaConfigError(EventBusError):
    """A Kafka security setting cannot be used (e.g. a CA file that is not PEM)."""
