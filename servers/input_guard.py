"""Arguments no tool may take: a NUL character in any string, anywhere in the arguments.

NUL truncates strings in SQLite and C libraries, so ``"\\u0000zzz"`` could turn into an empty
filter that matches everything; it is refused before any tool runs, naming the argument.
(Each server also validates strictly — ``strict_input_validation`` — so ``true`` is never
taken for the number 1, nor ``"10"`` for 10.)
"""

from __future__ import annotations

import logging
from typing import Any

from fastmcp.exceptions import ToolError
from fastmcp.server.middleware import CallNext, Middleware, MiddlewareContext


def nul_path(value: Any, path: str = "") -> str | None:
    """Where the first NUL character sits in ``value`` ('field', 'field[2]', 'a.b'), or None."""
    if isinstance(value, str):
        return (path or "value") if "\x00" in value else None
    if isinstance(value, dict):
        items = ((f"{path}.{k}" if path else str(k), v) for k, v in value.items())
    elif isinstance(value, list | tuple):
        items = ((f"{path}[{i}]", v) for i, v in enumerate(value))
    else:
        return None
    for where, item in items:
        if "\x00" in where or (found := nul_path(item, where)):
            return where if "\x00" in where else found
    return None


class RefuseNulCharacters(Middleware):
    async def on_call_tool(self, context: MiddlewareContext[Any], call_next: CallNext) -> Any:
        where = nul_path(context.message.arguments or {})
        if where is not None:
            raise ToolError(f"{where}: NUL characters are not allowed", log_level=logging.INFO)
        return await call_next(context)
