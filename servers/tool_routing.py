"""How a called tool is found: in the suite, its prefix names its server (``kb_search`` → kb),
so the tool is looked up in that server alone, and once; in each server, in its own tools
without a task per provider.

fastmcp looks a called tool up in every mounted server at once (a task each), and the one
mounted without a prefix (the orchestrator) then lists all its tools to be sure the name is
not among them; each lookup also rebuilds the renamed wrapper around the server's tool.
Together that was 0.35 ms of the 2.6 ms of server time a trivial call cost the suite.

A mounted server's tools are fixed once it is built, so the tool a name routes to is kept.
fastmcp's own checks on the found tool (enabled, visible to the session, authorised) still
run on every call, above this lookup.
"""

from __future__ import annotations

from typing import Any

from fastmcp import FastMCP
from fastmcp.exceptions import NotFoundError
from fastmcp.server.providers.aggregate import AggregateProvider
from fastmcp.server.providers.base import Provider
from fastmcp.tools import Tool
from fastmcp.utilities.versions import VersionSpec


class RoutedToolLookup(AggregateProvider):
    """An aggregate that finds a tool in the one provider its name routes to."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._tool_routes: dict[str | None, Provider] = {}
        self._found_tools: dict[str, Tool] = {}

    def route_tools(self, prefix: str | None, provider: Provider) -> None:
        """Names ``<prefix>_…`` are ``provider``'s; with no prefix, every name without a
        routed prefix is."""
        if prefix in self._tool_routes:
            raise ValueError(f"two servers mounted under the prefix {prefix!r}")
        self._tool_routes[prefix] = provider
        self._found_tools.clear()

    def _route(self, name: str) -> Provider | None:
        prefix, separator, _ = name.partition("_")
        if separator and prefix in self._tool_routes:
            return self._tool_routes[prefix]
        return self._tool_routes.get(None)

    async def _get_tool(self, name: str, version: VersionSpec | None = None) -> Tool | None:
        if version is None and name in self._found_tools:
            return self._found_tools[name]
        found = None
        if (provider := self._route(name)) is not None:
            try:
                found = await provider.get_tool(name, version)
            except NotFoundError:
                pass
        if found is None:  # look everywhere, as fastmcp would (a tool of the suite's own, a typo)
            found = await super()._get_tool(name, version)
        if found is not None and version is None:
            self._found_tools[name] = found
        return found


class OneProviderLookup(AggregateProvider):
    """An aggregate that asks its one provider directly, when it has one.

    fastmcp asks every provider at once, a task each, even when there is one: each of our
    servers holds only its own tools, and the task group was about a twentieth of a trivial
    call's server time. What the one answer becomes (found, not found, a provider's error
    raised or logged) is still fastmcp's to decide."""

    async def _get_tool(self, name: str, version: VersionSpec | None = None) -> Tool | None:
        if len(self.providers) != 1:
            return await super()._get_tool(name, version)
        try:
            found: Tool | None | Exception = await self.providers[0].get_tool(name, version)
        except Exception as error:  # handed on, as fastmcp's gather(return_exceptions) does
            found = error
        return self._get_highest_version_result([found], f"get_tool({name!r})")


class ServerOfTools(FastMCP, OneProviderLookup):
    """A FastMCP server whose tool lookup asks its one provider directly (see above)."""


class SuiteServer(FastMCP, RoutedToolLookup):
    """A FastMCP server whose mounted servers' tools are found by their prefix.

    fastmcp's own ``_get_tool`` (auth checks) runs first and calls this lookup in place of
    the aggregate's look-everywhere one (``RoutedToolLookup`` sits between them in the MRO).
    """
