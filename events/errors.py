"""The events package's errors: one base, so callers can catch the bus's failures at once."""

from __future__ import annotations


class EventBusError(Exception):
    """Base of every error the event bus raises."""


class BrokerUnavailable(EventBusError):
    """The broker could not be reached or did not accept a batch; the relay will retry."""
