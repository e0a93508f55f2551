"""Mounting a server into the suite: its tool and prompt names get the server's prefix
(``kb_search``), its resource URIs stay as the server hands them out.

fastmcp's namespace also rewrites URIs (``kb://articles/x`` becomes ``kb://kb/articles/x``), so a
client could not read the citation URI a search gave it. Every server has a scheme of its own
(``kb://``, ``crm://``, ``memory://``, ``workflow://``), so the URIs need no prefix to stay apart.
"""

from __future__ import annotations

from fastmcp import FastMCP
from fastmcp.server.providers.fastmcp_provider import FastMCPProvider
from fastmcp.server.transforms.namespace import Namespace

from servers.tool_routing import SuiteServer


class NamesOnly(Namespace):
    """A namespace for tool and prompt names that leaves resource URIs as they are."""

    def _transform_uri(self, uri: str) -> str:
        return uri

    def _reverse_uri(self, uri: str) -> str | None:
        return uri


def mount(suite: SuiteServer, server: FastMCP, prefix: str | None) -> None:
    """Mount ``server`` into ``suite``, its tools and prompts under ``prefix`` (None: none)."""
    provider = FastMCPProvider(server)
    if prefix is not None:
        provider = provider.wrap_transform(NamesOnly(prefix))
    suite.add_provider(provider)
    suite.route_tools(prefix, provider)
