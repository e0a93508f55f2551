"""Every authenticated caller belongs to a tenant named by its token.

A token without the ``tenant`` claim is refused with 401 ``invalid_token`` saying so — it would
otherwise land in the default tenant and read its data — unless the operator names the tenant
for such tokens (``SUPPORTDESK_AUTH_TENANT_FOR_TOKENS_WITHOUT_CLAIM``): the verifier then
gives them that tenant.
"""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from servers.identity import TENANT_CLAIM

REASON = (f"the access token has no '{TENANT_CLAIM}' claim; ask the issuer for a token that "
          "names your tenant")


class TenantGate:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        user = scope.get("user") if scope["type"] == "http" else None
        token = getattr(user, "access_token", None)
        if token is not None and not (getattr(token, "claims", None) or {}).get(TENANT_CLAIM):
            refusal = JSONResponse(
                {"error": "invalid_token", "error_description": REASON},
                status_code=401,
                headers={"WWW-Authenticate": f'Bearer error="invalid_token", '
                                             f'error_description="{REASON}"'},
            )
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)


def give_tenant_to_claimless_tokens(verifier, tenant: str) -> None:
    """Make ``verifier`` add ``tenant`` to the claims of the tokens that carry none."""
    verify = verifier.verify_token

    async def verify_token(token: str):
        access = await verify(token)
        if access is not None and not (access.claims or {}).get(TENANT_CLAIM):
            access = access.model_copy(update={"claims": {**(access.claims or {}),
                                                          TENANT_CLAIM: tenant}})
        return access

    verifier.verify_token = verify_token
