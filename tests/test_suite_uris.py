"""Every URI the suite hands out can be read from the suite as given: citations, customers,
tickets, sessions, requests — through a real client, both eras."""

from servers.settings import CoreSettings
from servers.suite import build_suite
from tests.orchestrator.requests import PASSWORD
from tests.support.eras import client_for


async def test_every_uri_a_tool_returns_reads_back_from_the_suite(data_dir, era):
    from events import MemoryPublisher

    suite = build_suite(CoreSettings(data_dir=data_dir, default_tenant="demo"),
                        MemoryPublisher()).server
    async with client_for(suite, era) as client:
        hits = (await client.call_tool("kb_search", {"query": "reset my password"})
                ).structured_content["hits"]
        out = (await client.call_tool("triage_and_resolve", PASSWORD)).structured_content
        customer = (await client.call_tool("crm_get_customer", {
            "customer_id": out["customer_id"]})).structured_content["customer"]
        ticket = (await client.call_tool("crm_get_ticket", {
            "ticket_id": out["ticket_id"]})).structured_content["ticket"]
        uris = [hits[0]["uri"], out["citations"][0]["uri"], customer["uri"], ticket["uri"],
                f"memory://sessions/{out['request_id']}", f"workflow://requests/{out['run_id']}",
                "kb://categories", "workflow://approvals/pending"]
        read = {uri: await client.read_resource(uri) for uri in uris}
        listed = {str(t.uri_template) for t in await client.list_resource_templates()}
    assert all(contents and contents[0].text for contents in read.values()), read.keys()
    assert hits[0]["uri"].startswith("kb://articles/")
    assert "kb://articles/{article_id}" in listed and "crm://customers/{customer_id}" in listed
