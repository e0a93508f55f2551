"""What building a server from settings gives: the server, its readiness check, its backends,
the periodic work it needs and the loads it can make before its first request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from fastmcp import FastMCP

from servers.http_app import ReadinessCheck
from servers.jobs import Job


@dataclass(frozen=True)
class BuiltServer:
    server: FastMCP
    readiness: ReadinessCheck
    backends: Mapping[str, str]
    """Which backend serves each concern, for the start-up line on stderr."""
    request_state_security: Any = None
    """How this server seals 2026-07-28 request state; the suite's top level must use it."""
    service: Any = None
    """The domain object behind the server, for servers that share it (workflow)."""
    parts: Mapping[str, BuiltServer] = field(default_factory=dict)
    """For the suite: each mounted server, which HTTP also serves at its own path."""
    jobs: tuple[Job, ...] = ()
    """The periodic work this server's domain needs (run by ``serve``'s scheduler)."""
    warm_ups: tuple[Callable[[], Awaitable[object]], ...] = ()
    """Loads its first requests would otherwise make (a model, on the event loop, holding up
    every other request meanwhile; a search index), for ``serve`` to make once it is open;
    what each returns is dropped."""


def every(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)
