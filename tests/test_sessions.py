"""Abandoned 2025-11-25 sessions cannot exhaust a server: past the cap a new session gets 503
until idle ones are reclaimed; 2026-07-28 clients, which hold no session, are served all along."""

import time

import httpx
import pytest
from fastmcp.client.transports import StreamableHttpTransport

from tests.support.eras import MODERN, client_for
from tests.support.processes import copy_tree, http_server

pytestmark = pytest.mark.integration

HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-11-25", "capabilities": {},
    "clientInfo": {"name": "abandoning-client", "version": "1"}}}


def open_legacy_session(url: str) -> httpx.Response:
    """An initialize handshake whose session is then abandoned (never closed)."""
    return httpx.post(url, json=INITIALIZE, headers=HEADERS, timeout=10)


async def test_sessions_past_the_cap_wait_for_idle_ones_to_be_reclaimed(tmp_path, demo_kb_dir):
    data = copy_tree(demo_kb_dir, tmp_path / "data")
    env = {"SUPPORTDESK_HTTP_MAX_SESSIONS": "3", "SUPPORTDESK_HTTP_SESSION_IDLE_SECONDS": "2"}
    with http_server("kb", data_dir=data, env=env) as kb:
        opened = [open_legacy_session(kb.mcp_url) for _ in range(3)]
        refused = open_legacy_session(kb.mcp_url)
        async with client_for(StreamableHttpTransport(kb.mcp_url), MODERN) as modern:
            served = await modern.call_tool("list_categories", {})
        deadline = time.monotonic() + 15
        reopened = open_legacy_session(kb.mcp_url)
        while reopened.status_code == 503 and time.monotonic() < deadline:
            time.sleep(0.5)
            reopened = open_legacy_session(kb.mcp_url)
    assert [r.status_code for r in opened] == [200, 200, 200]
    assert all(r.headers.get("mcp-session-id") for r in opened)
    assert refused.status_code == 503 and "Too many open sessions" in refused.text
    assert served.structured_content["categories"]
    assert reopened.status_code == 200  # the abandoned ones were reclaimed after 2 s idle
