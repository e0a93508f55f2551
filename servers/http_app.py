"""The streamable HTTP app around one MCP server: safe defaults, size limit, health routes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager

from fastmcp import FastMCP
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servers.auth import AuthSettings, auth_provider, check_bind, scope_middleware
from servers.schema_refs import DereferenceOnce
from servers.scope_gate import ScopeGate, resource_scopes_of, tool_scopes_of
from servers.settings import HttpSettings
from servers.tenant_gate import TenantGate

ReadinessCheck = Callable[[], Awaitable[Mapping[str, bool | str]]]
"""Each backend: True (answering), False (down: not ready), or "degraded" (serving from a
fallback, e.g. sessions in-process while Redis is away: still ready, and says so)."""
DEGRADED = "degraded"

MCP_PATH = "/mcp"


class BodySizeLimit:
    """Reject request bodies above ``max_bytes`` with 413, declared or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _too_large(scope, receive, send, self.max_bytes)
            return

        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if not response_started:
                await _too_large(scope, receive, send, self.max_bytes)


class _BodyTooLarge(Exception):
    pass


async def _too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    response = PlainTextResponse(f"Request body exceeds {limit} bytes", status_code=413)
    await response(scope, receive, send)


Details = Callable[[], Awaitable[Mapping[str, object]]]
"""More for people to read in ``/readyz`` (e.g. each job's last run); never decides readiness."""


def add_health_routes(server: FastMCP, readiness: ReadinessCheck | None,
                      details: Details | None = None) -> None:
    """``/healthz`` says the process answers; ``/readyz`` says its backends do.

    A degraded backend keeps the process in service (200, status "degraded"): pulling every
    replica out of the load balancer when a shared cache blinks would turn a slowdown into
    an outage.
    """

    @server.custom_route("/healthz", methods=["GET"])
    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @server.custom_route("/readyz", methods=["GET"])
    async def readyz(_: Request) -> JSONResponse:
        checks = dict(await readiness()) if readiness else {}
        ready = all(value is not False for value in checks.values())
        status = "not ready" if not ready else (
            DEGRADED if DEGRADED in checks.values() else "ready"
        )
        body = {"status": status, "checks": checks}
        if details is not None:
            body.update(await details())
        return JSONResponse(body, status_code=200 if ready else 503)


def build_http_app(
    server: FastMCP, settings: HttpSettings, auth: AuthSettings | None = None
) -> ASGIApp:
    """The MCP endpoint at ``/mcp`` with DNS-rebinding protection and a body-size limit.

    With authentication configured, every MCP request needs a valid bearer token and each
    tool the scope it is tagged with.
    """
    auth = auth or AuthSettings()
    check_bind(settings.host, auth)
    provider = auth_provider(auth)
    middleware = [Middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)]
    if provider is not None:
        server.auth = provider
        server.add_middleware(scope_middleware())
        metadata = (
            f"{auth.resource_url.rstrip('/')}/.well-known/oauth-protected-resource{MCP_PATH}"
            if auth.resource_url else None
        )
        middleware.append(Middleware(TenantGate))
        middleware.append(Middleware(ScopeGate, tool_scopes=tool_scopes_of(server),
                                     resource_metadata=metadata,
                                     resource_scopes=resource_scopes_of(server)))
    app = server.http_app(
        path=MCP_PATH,
        host_origin_protection=True,
        allowed_hosts=[settings.host, *settings.allowed_hosts],
        allowed_origins=settings.allowed_origins,
        middleware=middleware,
        session_idle_timeout=settings.session_idle_seconds,
    )
    _cap_sessions(app, settings.max_sessions)
    return app


def _cap_sessions(app: Starlette, cap: int) -> None:
    """Bound the stateful (2025-11-25) sessions the endpoint keeps: fastmcp builds the SDK's
    session manager at start-up without a way to pass the cap, so it is set once started."""
    started = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(starlette: Starlette):
        async with started(starlette) as state:
            for route in app.routes:
                endpoint = getattr(route, "endpoint", None)
                while endpoint is not None and not hasattr(endpoint, "session_manager"):
                    endpoint = getattr(endpoint, "app", None)
                if endpoint is not None and endpoint.session_manager is not None:
                    endpoint.session_manager.max_sessions = cap
            yield state

    app.router.lifespan_context = lifespan


def build_suite_app(
    suite: FastMCP,
    parts: Mapping[str, FastMCP],
    settings: HttpSettings,
    auth: AuthSettings | None = None,
    *,
    sealing=None,
    prepare: Callable[[FastMCP], None] = lambda server: None,
) -> ASGIApp:
    """The composite at ``/mcp`` and each part at ``/<name>/mcp``, under one lifespan.

    Each part is served through a thin wrapper server, so HTTP-only concerns (auth, metrics)
    never touch the instances the orchestrator calls in process. ``sealing`` is the suite's
    request-state security, so an approval asked at one path can be answered at another.
    """
    root = build_http_app(suite, settings, auth)
    apps = {}
    for name, part in parts.items():
        wrapper = FastMCP(part.name, request_state_security=sealing,
                          strict_input_validation=True,
                          dereference_schemas=False, middleware=[DereferenceOnce()])
        wrapper.mount(part)
        prepare(wrapper)
        apps[name] = build_http_app(wrapper, settings, auth)

    @asynccontextmanager
    async def lifespan(_: Starlette):
        async with AsyncExitStack() as stack:
            for app in (root, *apps.values()):
                await stack.enter_async_context(app.router.lifespan_context(app))
            yield

    routes = [Mount(f"/{name}", app=app) for name, app in apps.items()]
    return Starlette(routes=[*routes, Mount("/", app=root)], lifespan=lifespan)

