"""Serve a server under benchmark over streamable HTTP, with the trivial ``echo`` tool added.

The trivial tool is the baseline: same process, same transport, same middleware; only the
work inside the tool differs.
"""

from __future__ import annotations

import asyncio

import uvicorn
from fastmcp import FastMCP

from servers.fastmcp_spans import spans_only_when_recorded
from servers.http_app import ReadinessCheck, add_health_routes, build_http_app
from servers.settings import HttpSettings


def serve_with_echo(server: FastMCP, readiness: ReadinessCheck, port: int) -> None:
    @server.tool
    def echo(text: str) -> str:
        """Return the text unchanged (benchmark baseline)."""
        return text

    add_health_routes(server, readiness)
    spans_only_when_recorded()  # as `supportdesk serve` does
    app = build_http_app(server, HttpSettings(port=port))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    asyncio.run(uvicorn.Server(config).serve())
