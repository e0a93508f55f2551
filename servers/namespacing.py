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


class NamesOnly(Namespace):
    """A namespace for tool and prompt names that leaves resource URIs as they are."""

    def _transform_uri(self, uri: str) -> str:
        return uri

    def _reverse_uri(self, uri: str) -> str | None:
        return uri


def mount(suite: FastMCP, server: FastMCP, prefix: str | None) -> None:
    """Mount ``server`` into ``suite``, its tools and prompts under ``prefix`` (None: none)."""
    if prefix is None:
        suite.mount(server)
        return
    suite.add_provider(FastMCPProvider(server).wrap_transform(NamesOnly(prefix)))
