"""The two MCP protocol eras every feature is tested in."""

from __future__ import annotations

from typing import Any

from fastmcp import Client

MODERN = "2026-07-28"
LEGACY = "2025-11-25"
ERAS = (MODERN, LEGACY)


def client_for(target: Any, era: str, **kwargs: Any) -> Client:
    """A client pinned to one era: ``legacy`` does the initialize handshake."""
    mode = "legacy" if era == LEGACY else MODERN
    return Client(target, mode=mode, **kwargs)
