"""Bearer-token authentication and per-tool-family scopes over real HTTP, on the whole suite."""

import subprocess

import httpx
import pytest
from fastmcp.client.transports import StreamableHttpTransport
from fastmcp.exceptions import ToolError
from fastmcp.server.auth.providers.jwt import RSAKeyPair

from servers.auth import SCOPES
from tests.orchestrator.requests import PASSWORD, REFUND
from tests.support.eras import MODERN, client_for
from tests.support.processes import SUPPORTDESK, free_port, http_server, server_env

ISSUER, AUDIENCE = "https://id.supportdesk.test", "supportdesk"
KEYS = RSAKeyPair.generate()


def token(sub="agent@demo", tenant="demo", scopes=SCOPES, keys=KEYS, **overrides) -> str:
    options = {"subject": sub, "issuer": ISSUER, "audience": AUDIENCE, "scopes": list(scopes),
               "additional_claims": {"tenant": tenant}, **overrides}
    return keys.create_token(**options)


def as_client(url, bearer, era=MODERN, **kwargs):
    transport = StreamableHttpTransport(url, headers={"Authorization": f"Bearer {bearer}"})
    return client_for(transport, era, **kwargs)


@pytest.fixture(scope="module")
def suite(tmp_path_factory, demo_kb_dir):
    from tests.support.processes import copy_tree

    data = copy_tree(demo_kb_dir, tmp_path_factory.mktemp("auth-suite"))
    port = free_port()
    env = {
        "SUPPORTDESK_AUTH_PUBLIC_KEY": KEYS.public_key,
        "SUPPORTDESK_AUTH_ISSUER": ISSUER,
        "SUPPORTDESK_AUTH_AUDIENCE": AUDIENCE,
        "SUPPORTDESK_AUTH_RESOURCE_URL": f"http://127.0.0.1:{port}",
    }
    with http_server("all", data_dir=data, env=env, port=port) as server:
        yield server


def post(url, bearer=None):
    headers = {"Accept": "application/json, text/event-stream"}
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    return httpx.post(url, headers=headers, json={"jsonrpc": "2.0", "id": 1, "method": "ping"})


@pytest.mark.parametrize(
    "bearer",
    [
        None,
        token(keys=RSAKeyPair.generate()),  # signed by someone else
        token(audience="another-service"),
        token(issuer="https://evil.test"),
        token(expires_in_seconds=-60),
        "not-a-jwt",
    ],
    ids=["missing", "bad-signature", "wrong-audience", "wrong-issuer", "expired", "garbage"],
)
def test_a_missing_or_invalid_token_is_401_with_a_challenge(suite, bearer):
    response = post(suite.mcp_url, bearer)
    assert response.status_code == 401
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Bearer") and "resource_metadata=" in challenge


def test_protected_resource_metadata_is_served(suite):
    response = httpx.get(f"{suite.base_url}/.well-known/oauth-protected-resource/mcp")
    assert response.status_code == 200
    metadata = response.json()
    assert metadata["authorization_servers"] == [ISSUER]
    assert set(metadata["scopes_supported"]) == set(SCOPES)


async def test_a_tool_outside_the_tokens_scopes_is_hidden_and_refused(suite, era):
    kb_only = token(scopes=["kb:read"])
    async with as_client(suite.mcp_url, kb_only, era) as client:
        names = {tool.name for tool in await client.list_tools()}
        found = await client.call_tool("kb_search", {"query": "refund"})
        with pytest.raises(Exception, match="insufficient.scope|error response"):
            await client.call_tool("crm_find_customers", {"email": "bob@example.com"})
    assert "kb_search" in names and "crm_find_customers" not in names
    assert found.structured_content["hits"]


def test_the_refusal_is_http_403_naming_the_scope_to_obtain(suite):
    call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": "crm_get_customer", "arguments": {"customer_id": "C-000002"}}}
    response = httpx.post(suite.mcp_url, json=call, headers={
        "Authorization": f"Bearer {token(scopes=['kb:read'])}",
        "Accept": "application/json, text/event-stream"})
    assert response.status_code == 403
    challenge = response.headers["www-authenticate"]
    assert 'error="insufficient_scope"' in challenge and 'scope="crm:read"' in challenge


async def test_another_tenants_rows_do_not_exist_for_the_caller(suite):
    async with as_client(suite.mcp_url, token(tenant="acme")) as client:
        found = await client.call_tool("crm_find_customers", {"email": "bob@example.com"})
        with pytest.raises(ToolError, match="customer_id"):
            await client.call_tool("crm_get_customer", {"customer_id": "C-000002"})
        with pytest.raises(ToolError, match="customer"):
            await client.call_tool("triage_and_resolve", {**REFUND, "customer": "C-000002"})
        # To acme, Bob's address is somebody new: created in acme, not the demo's Bob.
        theirs = (await client.call_tool("triage_and_resolve", REFUND)).structured_content
    assert found.structured_content["customers"] == []
    assert theirs["new_customer"] is True and theirs["customer_id"] != "C-000002"


async def test_each_tenant_has_its_own_help_center_over_http(suite):
    article = {"article_id": "acme-vpn", "title": "Connecting through the Acme VPN",
               "body": "Open the Acme VPN client and pick the Zanzibar gateway.",
               "category": "network", "url": "https://help.acme.example/vpn"}
    async with as_client(suite.mcp_url, token(tenant="acme")) as acme:
        await acme.call_tool("kb_upsert_article", article)
        mine = await acme.call_tool("kb_search", {"query": "Zanzibar gateway VPN"})
        demo_articles = await acme.call_tool("kb_search", {"query": "reset my password"})
    async with as_client(suite.mcp_url, token(tenant="globex")) as globex:
        theirs = await globex.call_tool("kb_search", {"query": "Zanzibar gateway VPN"})
        with pytest.raises(ToolError, match="article_id: no article"):
            await globex.call_tool("kb_get_article", {"article_id": "acme-vpn"})
        gone = await globex.call_tool("kb_delete_article", {"article_id": "acme-vpn"})
    async with as_client(suite.mcp_url, token(tenant="acme")) as acme:
        kept = await acme.call_tool("kb_get_article", {"article_id": "acme-vpn"})
    assert mine.structured_content["hits"][0]["url"] == "https://help.acme.example/vpn"
    assert {h["article_id"] for h in demo_articles.structured_content["hits"]} == {"acme-vpn"}
    assert theirs.structured_content["hits"] == [] and gone.structured_content["deleted"] is False
    assert kept.structured_content["title"] == article["title"]


async def test_a_paused_run_is_decided_by_another_principal(suite, era):
    agent = token(sub="agent@demo", scopes=["support:resolve"])
    lead = token(sub="lead@demo", scopes=["approvals:decide"])
    async with as_client(suite.mcp_url, agent, era) as client:
        pending = (await client.call_tool("triage_and_resolve", REFUND)).structured_content
        with pytest.raises(Exception, match="insufficient.scope|error response"):
            await client.call_tool("resolve_approval", {
                "approval_id": pending["approval"]["approval_id"], "decision": "approve"})
    async with as_client(suite.mcp_url, lead, era) as client:
        done = (await client.call_tool("resolve_approval", {
            "approval_id": pending["approval"]["approval_id"], "decision": "approve",
        })).structured_content
    assert pending["status"] == "pending_approval"
    assert done["status"] == "resolved"
    assert done["approval"]["decided_by"] == "lead@demo"


async def test_the_workflow_server_records_the_lead_who_decides(suite):
    agent = token(sub="agent@demo", scopes=["support:resolve"])
    lead = token(sub="lead@demo", scopes=["approvals:decide"])
    async with as_client(suite.mcp_url, agent) as client:
        resolved = (await client.call_tool("triage_and_resolve", PASSWORD)).structured_content
        pending = (await client.call_tool("triage_and_resolve", REFUND)).structured_content
    assert resolved["status"] == "resolved"
    async with as_client(suite.mcp_url, lead) as client:
        listed = (
            await client.call_tool("workflow_list_pending_approvals", {})
        ).structured_content
        done = (await client.call_tool("workflow_decide_approval", {
            "approval_id": pending["approval"]["approval_id"], "decision": "approve",
        })).structured_content
        with pytest.raises(Exception, match="insufficient.scope|error response"):
            await client.call_tool("workflow_list_requests", {})
    assert pending["approval"]["approval_id"] in [
        a["approval_id"] for a in listed["approvals"]
    ]
    assert done["status"] == "resolved" and done["approval"]["decided_by"] == "lead@demo"


def test_a_public_bind_without_authentication_refuses_to_start(tmp_path):
    result = subprocess.run(
        [SUPPORTDESK, "serve", "kb", "--transport", "http", "--host", "0.0.0.0",
         "--port", str(free_port())],
        env=server_env(tmp_path), capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "SUPPORTDESK_AUTH_ALLOW_UNAUTHENTICATED" in result.stderr


def claimless_token(**overrides) -> str:
    """A valid token that names no tenant."""
    options = {"subject": "svc@nowhere", "issuer": ISSUER, "audience": AUDIENCE,
               "scopes": list(SCOPES), **overrides}
    return KEYS.create_token(**options)


async def test_a_token_without_a_tenant_claim_is_refused_saying_why(suite):
    response = post(suite.mcp_url, claimless_token())
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
    assert "no 'tenant' claim" in response.json()["error_description"]
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    with pytest.raises(Exception, match="error response"):
        async with as_client(suite.mcp_url, claimless_token()) as client:
            await client.call_tool("crm_find_customers", {"email": "bob@example.com"})


async def test_a_named_tenant_serves_tokens_without_the_claim(tmp_path, demo_kb_dir):
    from tests.support.processes import copy_tree

    data = copy_tree(demo_kb_dir, tmp_path / "data")
    env = {
        "SUPPORTDESK_AUTH_PUBLIC_KEY": KEYS.public_key,
        "SUPPORTDESK_AUTH_ISSUER": ISSUER,
        "SUPPORTDESK_AUTH_AUDIENCE": AUDIENCE,
        "SUPPORTDESK_AUTH_TENANT_FOR_TOKENS_WITHOUT_CLAIM": "acme",
    }
    with http_server("kb", data_dir=data, env=env) as kb:
        async with as_client(kb.mcp_url, claimless_token()) as client:
            categories = await client.call_tool("list_categories", {})
        async with as_client(kb.mcp_url, token(tenant="demo")) as client:
            demo = await client.call_tool("list_categories", {})
    assert categories.structured_content == {"categories": []}  # acme's, not the demo's
    assert demo.structured_content["categories"]


@pytest.mark.parametrize(
    ("uri", "scope"),
    [("crm://customers/C-000002", "crm:read"), ("workflow://analytics",
                                                   "workflow:read")],
)
def test_a_resource_refused_for_scope_answers_403_like_a_tool(suite, uri, scope):
    reader = token(scopes=["kb:read"])
    headers = {"Accept": "application/json, text/event-stream",
               "Authorization": f"Bearer {reader}", "MCP-Protocol-Version": "2026-07-28"}
    response = httpx.post(suite.mcp_url, headers=headers, json={
        "jsonrpc": "2.0", "id": 1, "method": "resources/read", "params": {"uri": uri}})
    assert response.status_code == 403
    assert response.json()["error"] == "insufficient_scope"
    assert f'scope="{scope}"' in response.headers["www-authenticate"]
    allowed = httpx.post(suite.mcp_url, headers=headers, json={
        "jsonrpc": "2.0", "id": 2, "method": "resources/read",
        "params": {"uri": "kb://categories"}})
    assert allowed.status_code != 403
