"""Who is calling: the tenant and principal every store is scoped by.

- On HTTP with authentication, the caller's access token decides (claims ``tenant``, ``sub``).
- A call made inside this process (the co-located orchestrator's in-memory client) may say
  whom it acts for in the request ``_meta`` under ``supportdesk/caller``. Only in-process
  calls are trusted with that: over HTTP or stdio the key is ignored.
- Otherwise (stdio, local development) the configured default tenant applies.

The tenant is never a tool argument.
"""

from __future__ import annotations

from fastmcp.server.dependencies import get_access_token, get_context

from core.calls import ACTING_FOR, TENANT_CLAIM, Caller

__all__ = ["ACTING_FOR", "TENANT_CLAIM", "Caller", "current_caller"]


def current_caller(default_tenant: str, default_principal: str = "local") -> Caller:
    """The caller of the request being handled."""
    token = get_access_token()
    if token is not None:
        claims = getattr(token, "claims", {}) or {}
        return Caller(
            tenant=str(claims.get(TENANT_CLAIM) or default_tenant),
            principal=str(claims.get("sub") or token.client_id or default_principal),
            scopes=frozenset(token.scopes or ()),
        )
    return _acting_for() or Caller(tenant=default_tenant, principal=default_principal)


def _acting_for() -> Caller | None:
    try:
        ctx = get_context()
    except RuntimeError:
        return None
    if ctx.transport is not None:  # arrived over HTTP or stdio: not ours to trust
        return None
    meta = ctx.request_context.meta if ctx.request_context else None
    acting = (meta or {}).get(ACTING_FOR)
    if not isinstance(acting, dict) or not acting.get("tenant"):
        return None
    return Caller(tenant=str(acting["tenant"]), principal=str(acting.get("principal") or "local"))
