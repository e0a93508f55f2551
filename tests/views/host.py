"""Drive a view in headless Chromium through the minimal host page beside this module: the
view's tool calls go to a real MCP client of the suite, and are recorded."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HOST_PAGE = Path(__file__).with_name("host.html")


def content_security_policy(csp: dict[str, list[str]]) -> str:
    """The CSP a host builds from a view's ``_meta.ui.csp`` (SEP-1865): nothing beyond the
    declared origins, and the spec's restrictive default for what is not declared."""

    def allowed(key: str, *always: str) -> str:
        return " ".join([*always, *csp.get(key, [])]) or "'none'"

    inline = "'unsafe-inline'"
    return "; ".join([
        "default-src 'none'",
        f"script-src {allowed('resourceDomains', inline)}",
        f"style-src {allowed('resourceDomains', inline)}",
        f"img-src {allowed('resourceDomains', 'data:')}",
        f"font-src {allowed('resourceDomains')}",
        f"connect-src {allowed('connectDomains')}",
        f"frame-src {allowed('frameDomains')}",
        "object-src 'none'",
    ])


def with_policy(html: str, policy: str) -> str:
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    return html.replace("<head>", f"<head>\n{meta}", 1)


@dataclass
class ViewHost:
    page: Any
    """A Playwright page."""
    client: Any
    """A fastmcp Client of the server that serves the view."""
    calls: list[tuple[str, dict]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """Console errors and requests the view made: there must be none."""
    _initialized: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> None:
        await self.page.expose_function("callTool", self._call_tool)
        await self.page.expose_function("viewInitialized", self._initialized.set)
        self.page.on("console", self._console)
        self.page.on("request", lambda request: self.problems.append(f"request {request.url}"))
        await self.page.set_content(HOST_PAGE.read_text())

    def _console(self, message) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")

    async def _call_tool(self, name: str, arguments: dict) -> dict:
        self.calls.append((name, arguments))
        result = await self.client.call_tool_mcp(name, arguments)
        return result.model_dump(mode="json", by_alias=True, exclude_none=True)

    async def show(self, tool: str, arguments: dict, result) -> Any:
        """Render the view ``tool`` links to with ``result`` (a CallToolResult), as a host
        does after the call; returns the view's frame."""
        listed = {t.name: t for t in await self.client.list_tools()}[tool]
        uri = listed.meta["ui"]["resourceUri"]
        contents = (await self.client.read_resource_mcp(uri)).contents[0]
        assert contents.mime_type == "text/html;profile=mcp-app"
        policy = content_security_policy(contents.meta["ui"]["csp"])
        context = {"toolInfo": {"tool": {"name": tool}}, "theme": "light"}
        self._initialized.clear()
        await self.page.evaluate("([html, context]) => openView(html, context)",
                                 [with_policy(contents.text, policy), context])
        await asyncio.wait_for(self._initialized.wait(), timeout=10)
        await self.page.evaluate("([m, p]) => notifyView(m, p)",
                                 ["ui/notifications/tool-input", {"arguments": arguments}])
        await self.page.evaluate(
            "([m, p]) => notifyView(m, p)",
            ["ui/notifications/tool-result",
             result.model_dump(mode="json", by_alias=True, exclude_none=True)],
        )
        return self.page.frame_locator("#view")
