"""What a module-level tool reaches through its server's lifespan: the service and the caller.

A server's lifespan yields its services by name, and the tenant that callers without an
identity act in under ``DEFAULT_TENANT``. Tools declare what they need as parameter defaults
(``kb: KnowledgeBase = service("kb")``, ``caller: Caller = CURRENT_CALLER``); FastMCP fills
them per call and leaves them out of the tool's input schema. The same tool function can so be
registered on any number of servers, each with its own service.
"""

from __future__ import annotations

from typing import Any

from fastmcp.dependencies import Depends
from fastmcp.server.dependencies import get_context

from servers.identity import Caller, current_caller

DEFAULT_TENANT = "default_tenant"


def lifespan_value(key: str) -> Any:
    """What the current server's lifespan yielded under ``key``."""
    return get_context().lifespan_context[key]


def service(key: str) -> Any:
    """A tool parameter default: the object the server's lifespan yielded under ``key``."""
    return Depends(lambda: lifespan_value(key))


def caller() -> Caller:
    """The caller of the request being handled, in the server's default tenant if anonymous."""
    return current_caller(lifespan_value(DEFAULT_TENANT))


def tenant() -> str:
    return caller().tenant


CURRENT_CALLER: Any = Depends(caller)
CURRENT_TENANT: Any = Depends(tenant)
