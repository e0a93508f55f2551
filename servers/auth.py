"""HTTP authentication and authorisation for every server.

Bearer tokens are JWTs verified against a JWKS URL or a configured key (issuer and audience
checked), or — for local development — static tokens from settings. Each tool declares the
scope it needs as a tag (``kb:read``, ``crm:write`` …); a token without it gets 403
``insufficient_scope``; no token or a bad one gets 401 with ``WWW-Authenticate``. The token's
``tenant`` and ``sub`` claims scope every store (see ``servers.identity``).
"""

from __future__ import annotations

import ipaddress
import json

from fastmcp.server.auth import AuthProvider, RemoteAuthProvider
from fastmcp.server.auth.providers.jwt import JWTVerifier, StaticTokenVerifier
from fastmcp.server.middleware.authorization import AuthMiddleware
from fastmcp.utilities.authorization import restrict_tag
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

KB_READ, KB_WRITE = "kb:read", "kb:write"
CRM_READ, CRM_WRITE = "crm:read", "crm:write"
MEMORY_READ, MEMORY_WRITE = "memory:read", "memory:write"
SUPPORT_RESOLVE = "support:resolve"
APPROVALS_DECIDE = "approvals:decide"
WORKFLOW_READ = "workflow:read"
SCOPES = (
    KB_READ, KB_WRITE, CRM_READ, CRM_WRITE, MEMORY_READ, MEMORY_WRITE, SUPPORT_RESOLVE,
    APPROVALS_DECIDE, WORKFLOW_READ,
)


class AuthSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SUPPORTDESK_AUTH_", extra="ignore", env_ignore_empty=True
    )

    jwks_url: str | None = Field(default=None, description="JWKS URL of the token issuer.")
    public_key: SecretStr | None = Field(
        default=None, description="PEM public key (or HMAC secret) verifying tokens."
    )
    algorithm: str | None = Field(default=None, description="JWT algorithm, e.g. RS256.")
    issuer: str | None = Field(default=None, description="Required `iss` of every token.")
    audience: str | None = Field(default=None, description="Required `aud` of every token.")
    resource_url: str | None = Field(
        default=None,
        description="Public base URL of this server, for OAuth protected-resource metadata.",
    )
    dev_tokens: SecretStr | None = Field(
        default=None,
        description='Local development only: JSON {"<token>": {"sub": "...", "tenant": "...", '
        '"scopes": ["kb:read", ...]}}.',
    )
    tenant_for_tokens_without_claim: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="Tenant of tokens that carry no 'tenant' claim; unset: such tokens are "
        "refused (401).",
    )
    allow_unauthenticated: bool = Field(
        default=False,
        description="Serve without authentication on a non-loopback address (not advised).",
    )

    @property
    def enabled(self) -> bool:
        return bool(self.jwks_url or self.public_key or self.dev_tokens)


class AuthConfigError(ValueError):
    """Settings that cannot work; the message names the variable."""


def auth_provider(settings: AuthSettings) -> AuthProvider | None:
    """The provider the HTTP app enforces, or None when authentication is not configured."""
    provider = _provider(settings)
    if provider is not None and settings.tenant_for_tokens_without_claim:
        from servers.tenant_gate import give_tenant_to_claimless_tokens

        inner = getattr(provider, "token_verifier", provider)
        give_tenant_to_claimless_tokens(inner, settings.tenant_for_tokens_without_claim)
    return provider


def _provider(settings: AuthSettings) -> AuthProvider | None:
    if settings.jwks_url or settings.public_key:
        if not (settings.issuer and settings.audience):
            raise AuthConfigError(
                "SUPPORTDESK_AUTH_ISSUER and SUPPORTDESK_AUTH_AUDIENCE are required with a JWT key"
            )
        verifier = JWTVerifier(
            jwks_uri=settings.jwks_url,
            public_key=settings.public_key.get_secret_value() if settings.public_key else None,
            issuer=settings.issuer,
            audience=settings.audience,
            algorithm=settings.algorithm,
            base_url=settings.resource_url,
        )
        if settings.resource_url:
            return RemoteAuthProvider(
                verifier,
                authorization_servers=[settings.issuer],
                base_url=settings.resource_url,
                scopes_supported=list(SCOPES),
                resource_name="supportdesk",
            )
        return verifier
    if settings.dev_tokens:
        return StaticTokenVerifier(_dev_tokens(settings.dev_tokens.get_secret_value()))
    return None


def _dev_tokens(raw: str) -> dict[str, dict]:
    try:
        tokens = json.loads(raw)
    except json.JSONDecodeError as error:
        raise AuthConfigError(f"SUPPORTDESK_AUTH_DEV_TOKENS is not JSON: {error.msg}") from error
    if not isinstance(tokens, dict):
        raise AuthConfigError("SUPPORTDESK_AUTH_DEV_TOKENS must map tokens to their claims")
    return {
        token: {**claims, "client_id": claims.get("sub", "dev"), "scopes": claims.get("scopes", [])}
        for token, claims in tokens.items()
    }


def scope_middleware() -> AuthMiddleware:
    """Each tool tagged with a scope needs that scope in the caller's token."""
    return AuthMiddleware(auth=[restrict_tag(scope, scopes=[scope]) for scope in SCOPES])


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, settings: AuthSettings) -> None:
    """Refuse to expose an unauthenticated server beyond this machine."""
    if not is_loopback(host) and not settings.enabled and not settings.allow_unauthenticated:
        raise AuthConfigError(
            f"refusing to serve on {host} without authentication: configure "
            "SUPPORTDESK_AUTH_JWKS_URL or SUPPORTDESK_AUTH_PUBLIC_KEY (or dev tokens), or set "
            "SUPPORTDESK_AUTH_ALLOW_UNAUTHENTICATED=true"
        )
