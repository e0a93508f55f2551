"""The orchestrator acts for its caller's tenant on the servers it calls, and nobody else."""

import pytest
from fastmcp.exceptions import ToolError

from servers.identity import Caller
from tests.orchestrator.requests import PASSWORD
from tests.support.eras import client_for
from tests.support.processes import http_server


async def test_runs_reach_only_the_callers_tenant(resolve_server, era):
    rig = resolve_server()
    acme = Caller("acme", "someone@acme").as_meta()
    async with client_for(rig.server, era) as client:
        # C-000002 is Bob, a demo-tenant customer: his id means nothing to a caller from acme.
        with pytest.raises(ToolError, match="customer: no customer"):
            await client.call_tool("triage_and_resolve", {**PASSWORD, "customer": "C-000002"},
                                   meta=acme)
        # His email does not reach him either: to acme it is somebody new, created in acme.
        theirs = await client.call_tool("triage_and_resolve", PASSWORD, meta=acme)
        out = await client.call_tool("triage_and_resolve", PASSWORD)
    assert out.structured_content["status"] == "resolved"
    assert out.structured_content["customer_id"] == "C-000002"
    assert out.structured_content["new_customer"] is False
    assert theirs.structured_content["new_customer"] is True


async def test_a_remote_client_cannot_claim_a_tenant_in_meta(data_dir):
    with http_server("crm", data_dir=data_dir) as crm:
        async with client_for(crm.mcp_url, "2026-07-28") as client:
            found = await client.call_tool(
                "find_customers", {"email": "bob@example.com"},
                meta=Caller("acme", "mallory").as_meta(),
            )
    # Still the default (demo) tenant's view: the forged _meta was ignored.
    assert [c["email"] for c in found.structured_content["customers"]] == ["bob@example.com"]
