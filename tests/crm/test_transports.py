"""The CRM as a real process over streamable HTTP (SQLite and PostgreSQL) and stdio, and as
part of the suite."""

import httpx
import pytest
from fastmcp.client.transports import StdioTransport

from events import MemoryPublisher
from servers.settings import CoreSettings
from servers.suite import build_suite
from tests.support.eras import client_for
from tests.support.postgres import POSTGRES_URL, temporary_schema
from tests.support.processes import SUPPORTDESK, http_server, server_env

ADA_PHONE = "+44 20 7946 0001"
# Everything at DEBUG, fastmcp included (it logs tool arguments), in plain text lines.
LOUD = {"SUPPORTDESK_LOG_LEVEL": "DEBUG", "FASTMCP_LOG_LEVEL": "DEBUG",
        "FASTMCP_ENABLE_RICH_LOGGING": "false"}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def crm_http(request, tmp_path_factory):
    data = tmp_path_factory.mktemp(f"crm-http-{request.param}")
    if request.param == "sqlite":
        with http_server("crm", data_dir=data, env=LOUD) as server:
            yield server
        return
    with temporary_schema("crm_http") as schema:
        env = {**LOUD, "SUPPORTDESK_CRM_DATABASE_URL": POSTGRES_URL,
               "SUPPORTDESK_CRM_DATABASE_SCHEMA": schema}
        with http_server("crm", data_dir=data, env=env) as server:
            yield server


async def test_demo_customers_over_streamable_http(crm_http, era):
    async with client_for(crm_http.mcp_url, era) as client:
        assert client.protocol_version == era
        found = await client.call_tool("find_customers", {"email": "ada@example.com"})
        profile = await client.call_tool("get_customer", {"customer_id": "C-000001"})
        tickets = await client.call_tool("list_tickets", {"customer_id": "C-000001",
                                                          "status": ["open"]})
    assert [c["id"] for c in found.structured_content["customers"]] == ["C-000001"]
    customer = profile.structured_content["customer"]
    assert (customer["name"], customer["tier"], customer["vip"]) == ("Ada Lovelace",
                                                                      "enterprise", True)
    assert "T-000001" in {t["id"] for t in tickets.structured_content["tickets"]}


def test_readiness_reports_the_crm_store(crm_http):
    ready = httpx.get(f"{crm_http.base_url}/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {"crm_store": True, "jobs": True}


async def test_a_debug_logging_server_writes_no_emails_or_phones(crm_http):
    async with client_for(crm_http.mcp_url, "2026-07-28") as client:
        await client.call_tool("find_customers", {"email": "ada@example.com"})
        await client.call_tool("get_customer", {"customer_id": "C-000001"})
        await client.call_tool("add_note", {"ticket_id": "T-000001",
                                            "body": f"Called Ada on {ADA_PHONE}."})
    log = crm_http.stderr()
    assert "call_tool find_customers" in log and "[email]" in log  # fastmcp did log args
    assert "ada@example.com" not in log and ADA_PHONE not in log


async def test_the_crm_over_stdio(tmp_path, era):
    transport = StdioTransport(SUPPORTDESK, ["serve", "crm", "--transport", "stdio"],
                               env=server_env(tmp_path))
    async with client_for(transport, era) as client:
        assert client.protocol_version == era
        ticket = await client.call_tool("get_ticket", {"ticket_id": "T-000002"})
    assert ticket.structured_content["ticket"]["customer_id"] == "C-000002"


async def test_the_suite_mounts_the_crm_under_its_namespace(tmp_path, era):
    core = CoreSettings(data_dir=tmp_path, default_tenant="acme")
    publisher = MemoryPublisher()
    built = build_suite(core, publisher, names=("crm",))
    async with client_for(built.server, era) as client:
        names = {tool.name for tool in await client.list_tools()}
        created = await client.call_tool("crm_create_ticket", {
            "customer_id": "C-000002", "subject": "Refund", "body": "Please.",
            "category": "billing"})
    assert {"crm_get_customer", "crm_list_tickets", "crm_update_ticket"} <= names
    assert created.structured_content["ticket"]["customer_id"] == "C-000002"
    [event] = [e for e in publisher.events if e.type != "tool.called"]
    assert (event.type, event.tenant) == ("ticket.created", "acme")
    assert (await built.readiness()) == {"crm_store": False}  # closed with the last client
