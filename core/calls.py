"""Who is calling, as plain data, and the request ``_meta`` keys a call carries.

The tenant and principal every store is scoped by; the run a call belongs to. No MCP here:
domain code (the orchestrator's runner, the workflow service) takes a ``Caller`` without
loading fastmcp. ``servers.identity`` finds the caller of an MCP request.
"""

from __future__ import annotations

from dataclasses import dataclass

TENANT_CLAIM = "tenant"
ACTING_FOR = "supportdesk/caller"
CORRELATION_KEY = "supportdesk/correlation_id"
"""The run (or other unit of work) a call belongs to, for logs across servers."""


@dataclass(frozen=True, slots=True)
class Caller:
    tenant: str
    principal: str
    scopes: frozenset[str] = frozenset()

    def as_meta(self) -> dict:
        """Request ``_meta`` for an in-process call made on this caller's behalf."""
        return {ACTING_FOR: {"tenant": self.tenant, "principal": self.principal}}
