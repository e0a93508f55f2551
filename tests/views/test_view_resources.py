"""The views as MCP resources: every ui:// URI a tool links to is listed and readable, as an
MCP Apps page that asks for no origin beyond the host, from the suite and from the server that
owns the tool, in both protocol eras."""

from __future__ import annotations

import re

import pytest

from servers.settings import CoreSettings
from servers.views.pages import MIME_TYPE
from tests.support.eras import client_for

LINKING_TOOLS = {
    "all": {"triage_and_resolve", "workflow_list_pending_approvals", "workflow_get_request"},
    "orchestrator": {"triage_and_resolve"},
    "workflow": {"list_pending_approvals", "get_request"},
}
# What would reach past the host: a URL in markup or code, or a browser networking API.
REACHES_OUT = re.compile(r"https?://|\bfetch\(|XMLHttpRequest|WebSocket|EventSource|import\(")


@pytest.mark.parametrize("name", sorted(LINKING_TOOLS))
async def test_every_view_a_tool_links_to_is_served_by_its_server(data_dir, era, name):
    from events import MemoryPublisher
    from servers.suite import build

    built = build(name, CoreSettings(data_dir=data_dir, default_tenant="demo"),
                  MemoryPublisher())
    async with client_for(built.server, era) as client:
        linked = {tool.name: tool.meta["ui"]["resourceUri"] for tool in await client.list_tools()
                  if (tool.meta or {}).get("ui")}
        listed = {str(r.uri): r for r in await client.list_resources()}
        pages = {uri: (await client.read_resource_mcp(uri)).contents[0]
                 for uri in set(linked.values())}

    assert set(linked) == LINKING_TOOLS[name]
    for uri, page in pages.items():
        assert listed[uri].mime_type == MIME_TYPE
        assert page.mime_type == MIME_TYPE
        assert page.meta["ui"]["csp"] == {}, "the views need no origin beyond the host"
        assert page.text.startswith("<!DOCTYPE html>")
        assert "/* bridge.js */" not in page.text and "const view = " in page.text
        assert not REACHES_OUT.search(page.text), REACHES_OUT.search(page.text)
