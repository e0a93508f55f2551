"""The suite's tool lookup: a called tool's prefix names its server (``kb_search`` → kb), so
the tool is looked up in that server alone, and once.

fastmcp looks a called tool up in every mounted server at once (a task each), and the one
mounted without a prefix (the orchestrator) then lists all its tools to be sure the name is
not among them; each lookup also rebuilds the renamed wrapper around the server's tool.
Together about a third of what a trivial call cost the suite, under py-spy.

A mounted server's tools are fixed once it is built, so the tool a name routes to is kept.
fastmcp's own checks on the found tool (enabled, visible to the session, authorised) still
run on every call, above this lookup.
"""

from __future__ import annotations

from fastmcp import FastMCP
from fastmcp.exceptions import NotFoundError
from fastmcp.server.providers.aggregate import AggregateProvider
from fastmcp.server.providers.base import Provider
from fastmcp.tools import Tool
from fastmcp.utilities.versions import VersionSpec


class RoutedToolLookup(AggregateProvider):
    """An aggregate that finds a tool in the one provider its name routes to."""

    def route_tools(self, prefix: str | None, provider: Provider) -> None:
        """Names ``<prefix>_…`` are ``provider``'s; with no prefix, every name without a
        routed prefix is."""
        routes: dict[str | None, Provider] = self.__dict__.setdefault("_tool_routes", {})
        if prefix in routes:
            raise ValueError(f"two servers mounted under the prefix {prefix!r}")
        routes[prefix] = provider
        self.__dict__["_found_tools"] = {}

    def _route(self, name: str) -> Provider | None:
        routes: dict[str | None, Provider] = self.__dict__.get("_tool_routes", {})
        prefix, separator, _ = name.partition("_")
        if separator and prefix in routes:
            return routes[prefix]
        return routes.get(None)

    async def _get_tool(self, name: str, version: VersionSpec | None = None) -> Tool | None:
        found_tools: dict[str, Tool] = self.__dict__.get("_found_tools", {})
        if version is None and name in found_tools:
            return found_tools[name]
        found = None
        if (provider := self._route(name)) is not None:
            try:
                found = await provider.get_tool(name, version)
            except NotFoundError:
                pass
        if found is None:  # look everywhere, as fastmcp would (a tool of the suite's own, a typo)
            found = await super()._get_tool(name, version)
        if found is not None and version is None:
            found_tools[name] = found
        return found


class SuiteServer(FastMCP, RoutedToolLookup):
    """A FastMCP server whose mounted servers' tools are found by their prefix.

    fastmcp's own ``_get_tool`` (auth checks) runs first and calls this lookup in place of
    the aggregate's look-everywhere one (``RoutedToolLookup`` sits between them in the MRO).
    """
