"""Errors by audience: domain errors become errors the calling model can read and fix.

Each package has one base error whose messages are written for the caller. ``caller_errors``
maps them at the MCP edge, once per tool or resource; anything else is an internal error and
stays masked (servers run with ``mask_error_details=True``).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from fastmcp.exceptions import ResourceError, ToolError

P = ParamSpec("P")
R = TypeVar("R")


def caller_errors(
    *error_types: type[Exception], as_error: type[Exception] = ToolError
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Re-raise ``error_types`` as ``as_error`` (ToolError, or ResourceError for resources)."""

    def decorate(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(fn)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return await fn(*args, **kwargs)
            except error_types as error:
                # The caller's mistake, answered in the result: not a fault to alert on.
                raise as_error(str(error), log_level=logging.INFO) from error

        return wrapper

    return decorate


def resource_errors(*error_types: type[Exception]):
    return caller_errors(*error_types, as_error=ResourceError)
