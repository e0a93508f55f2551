"""Tool schemas with every ``$ref`` inlined, worked out once per tool rather than per listing.

fastmcp inlines ``$ref``s (some clients cannot follow them) on every ``tools/list``, through
jsonref: 15 ms of server time for the suite's 31 tools, at every session's first listing.
A built server's tools are fixed, so each tool's inlined copy is kept, keyed by the tool
object itself: a tool replaced or added is a new object and is worked out afresh. (The
inlining itself is fastmcp's, reached through its private helpers; fastmcp is pinned.)
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import TypeVar

from fastmcp.resources.template import ResourceTemplate
from fastmcp.server.middleware.dereference import (
    DereferenceRefsMiddleware,
    _dereference_resource_template,
    _dereference_tool,
)
from fastmcp.tools import Tool

Component = TypeVar("Component", Tool, ResourceTemplate)
HELD = 1024


class DereferenceOnce(DereferenceRefsMiddleware):
    """fastmcp's ``DereferenceRefsMiddleware``, remembering what it worked out.

    Use with ``FastMCP(dereference_schemas=False)``, which leaves out fastmcp's own."""

    def __init__(self, held: int = HELD) -> None:
        self.held = held
        # id(component) -> (component, its inlined copy); holding the component keeps its id
        # from being reused by another object while the entry lives.
        self._inlined: OrderedDict[int, tuple[object, object]] = OrderedDict()

    async def on_list_tools(self, context, call_next) -> Sequence[Tool]:
        return [self._once(tool, _dereference_tool) for tool in await call_next(context)]

    async def on_list_resource_templates(self, context, call_next) -> Sequence[ResourceTemplate]:
        return [self._once(template, _dereference_resource_template)
                for template in await call_next(context)]

    def _once(self, component: Component, inline) -> Component:
        key = id(component)
        entry = self._inlined.get(key)
        if entry is not None and entry[0] is component:
            self._inlined.move_to_end(key)
            return entry[1]  # type: ignore[return-value]
        inlined = inline(component)
        if inlined is component:
            # Nothing to inline: a tool without refs, or one a mounted server has already
            # inlined (listed through the suite as a new copy each time, so never kept).
            return component
        self._inlined[key] = (component, inlined)
        if len(self._inlined) > self.held:
            self._inlined.popitem(last=False)
        return inlined
