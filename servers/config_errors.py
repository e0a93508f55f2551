"""A configuration mistake, told in one line naming the variable to fix (the CLI exits 2)."""

from __future__ import annotations

from pydantic import ValidationError

from events.errors import KafkaConfigError
from orchestrator.engines.base import EngineConfigError
from orchestrator.policy import PolicyError
from servers.auth import AuthConfigError
from servers.shared_stores import SharedStoreConfigError

CONFIG_ERRORS = (ValidationError, AuthConfigError, KafkaConfigError, EngineConfigError,
                 PolicyError, SharedStoreConfigError)


def config_error_in(error: BaseException) -> BaseException | None:
    """The configuration mistake behind ``error`` (raised directly or inside a task group)."""
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            if (found := config_error_in(inner)) is not None:
                return found
        return None
    if isinstance(error, ValidationError):
        return error if _settings_class(error.title) is not None else None
    return error if isinstance(error, CONFIG_ERRORS) else None


def one_line(error: BaseException) -> str:
    """``SUPPORTDESK_HTTP_PORT: Input should be a valid integer`` — never the value itself
    (it may be a secret)."""
    if isinstance(error, ValidationError):
        from servers.settings_reference import env_names

        cls = _settings_class(error.title)
        first = error.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        field = str(first["loc"][0]) if first["loc"] else ""
        if field not in cls.model_fields:  # a check across fields names its variables itself
            return message
        return f"{env_names(cls, field, cls.model_fields[field]).replace('`', '')}: {message}"
    return " ".join(str(error).split())


def _settings_class(title: str):
    from servers.settings_reference import settings_classes

    return next((cls for cls in settings_classes() if cls.__name__ == title), None)
