"""Register a server's module-level tools, resources, prompts and completion handler."""

from __future__ import annotations

from types import ModuleType

from fastmcp import FastMCP


def register(mcp: FastMCP, module: ModuleType) -> FastMCP:
    """Add what ``module`` lists in ``TOOLS``, ``RESOURCES`` and ``PROMPTS`` to ``mcp``, and
    its ``complete`` function as the completion handler when it has one."""
    for fn in getattr(module, "TOOLS", ()):
        mcp.add_tool(fn)
    for fn in getattr(module, "RESOURCES", ()):
        mcp.add_resource(fn)
    for fn in getattr(module, "PROMPTS", ()):
        mcp.add_prompt(fn)
    if hasattr(module, "complete"):
        mcp.completion(module.complete)
    return mcp
