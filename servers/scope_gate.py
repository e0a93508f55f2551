"""HTTP 403 ``insufficient_scope`` for a tool call or resource read whose token lacks the
scope it needs.

FastMCP's authorisation middleware already hides and refuses such tools and resources inside
MCP (a refused read surfacing as a JSON-RPC internal error); this gate answers at the HTTP
layer instead, as RFC 6750 §3.1 asks, naming the scope to obtain so a client can step up. It
runs after authentication, on ``tools/call`` and ``resources/read`` requests.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servers.auth import SCOPES

ToolScopes = Callable[[], Awaitable[Mapping[str, frozenset[str]]]]
ResourceScopes = Callable[[str], Awaitable[frozenset[str]]]


class ScopeGate:
    def __init__(
        self,
        app: ASGIApp,
        tool_scopes: ToolScopes,
        resource_metadata: str | None,
        resource_scopes: ResourceScopes | None = None,
    ):
        self.app = app
        self.tool_scopes = tool_scopes
        self.resource_scopes = resource_scopes
        self.resource_metadata = resource_metadata

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        user = scope.get("user") if scope["type"] == "http" else None
        token = getattr(user, "access_token", None)
        if token is None or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        body, replay = await _read_body(receive)
        missing = await self._missing(body, set(token.scopes or ()))
        if missing:
            await self._refuse(missing)(scope, replay, send)
            return
        await self.app(scope, replay, send)

    async def _missing(self, body: bytes, granted: set[str]) -> list[str]:
        try:
            message = json.loads(body)
        except ValueError:
            return []  # not ours to judge: the MCP layer answers malformed requests
        if not isinstance(message, dict):
            return []
        params = message.get("params") or {}
        if message.get("method") == "tools/call":
            needed = (await self.tool_scopes()).get(params.get("name"), frozenset())
        elif message.get("method") == "resources/read" and self.resource_scopes is not None:
            needed = await self.resource_scopes(str(params.get("uri") or ""))
        else:
            return []
        return sorted(needed - granted)

    def _refuse(self, missing: list[str]) -> JSONResponse:
        challenge = [
            'error="insufficient_scope"',
            f'error_description="this tool needs {" ".join(missing)}"',
            f'scope="{" ".join(missing)}"',
        ]
        if self.resource_metadata:
            challenge.append(f'resource_metadata="{self.resource_metadata}"')
        return JSONResponse(
            {"error": "insufficient_scope", "error_description": f"needs {' '.join(missing)}"},
            status_code=403,
            headers={"WWW-Authenticate": "Bearer " + ", ".join(challenge)},
        )


async def _read_body(receive: Receive) -> tuple[bytes, Receive]:
    """Read the whole body (size-limited upstream) and hand a replay to the app."""
    chunks: list[bytes] = []
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


def resource_scopes_of(server) -> ResourceScopes:
    """The scopes a resource URI needs: those of the resource or template that serves it."""
    static: dict[str, frozenset[str]] = {}
    templates: list = []

    async def needed(uri: str) -> frozenset[str]:
        if not static and not templates:
            for resource in await server.list_resources(run_middleware=False):
                static[str(resource.uri)] = frozenset(resource.tags or ()) & set(SCOPES)
            templates.extend(await server.list_resource_templates(run_middleware=False))
        if uri in static:
            return static[uri]
        for template in templates:
            if template.matches(uri) is not None:
                return frozenset(template.tags or ()) & set(SCOPES)
        return frozenset()

    return needed


def tool_scopes_of(server) -> ToolScopes:
    """Each tool's required scopes (its scope tags), listed once and cached."""
    cache: dict[str, frozenset[str]] = {}

    async def load() -> Mapping[str, frozenset[str]]:
        if not cache:
            for tool in await server.list_tools(run_middleware=False):
                cache[tool.name] = frozenset(tool.tags or ()) & set(SCOPES)
        return cache

    return load
