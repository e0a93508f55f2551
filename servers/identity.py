"""Who is calling: the tenant and principal every store is scoped by.

On HTTP with authentication the caller's access token decides (claims ``tenant`` and ``sub``);
without one (stdio, local development) the configured default tenant applies. The tenant is
never a tool argument.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastmcp.server.dependencies import get_access_token

TENANT_CLAIM = "tenant"


@dataclass(frozen=True, slots=True)
class Caller:
    tenant: str
    principal: str
    scopes: frozenset[str] = frozenset()


def current_caller(default_tenant: str, default_principal: str = "local") -> Caller:
    """The caller of the request being handled, from its token when it carries one."""
    token = get_access_token()
    if token is None:
        return Caller(tenant=default_tenant, principal=default_principal)
    claims = getattr(token, "claims", {}) or {}
    return Caller(
        tenant=str(claims.get(TENANT_CLAIM) or default_tenant),
        principal=str(claims.get("sub") or token.client_id or default_principal),
        scopes=frozenset(token.scopes or ()),
    )
