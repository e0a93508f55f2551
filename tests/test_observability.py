"""Metrics, health and readiness of a served suite, read the way an operator would."""

import httpx
from fastmcp import Client

from tests.orchestrator.requests import PASSWORD, REFUND
from tests.support.processes import http_server


def sample(text: str, name: str, **labels) -> float:
    """The value of one Prometheus sample, found by its name and labels."""
    from prometheus_client.parser import text_string_to_metric_families

    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and found.labels == labels:
                return found.value
    raise AssertionError(f"no sample {name} {labels}")


async def test_metrics_count_tool_calls_runs_and_pending_approvals(data_dir):
    with http_server("all", data_dir=data_dir) as suite:
        async with Client(suite.mcp_url) as client:
            await client.call_tool("kb_search", {"query": "refund"})
            await client.call_tool("kb_get_article", {"article_id": "nope"}, raise_on_error=False)
            await client.call_tool("triage_and_resolve", PASSWORD)
            await client.call_tool("triage_and_resolve", REFUND)
        text = httpx.get(f"{suite.base_url}/metrics").text
        ready = httpx.get(f"{suite.base_url}/readyz").json()

    assert sample(text, "supportdesk_tool_calls_total", tool="kb_search", outcome="ok") == 1
    assert sample(text, "supportdesk_tool_calls_total", tool="kb_get_article",
                  outcome="error") == 1
    assert sample(text, "supportdesk_tool_call_seconds_count", tool="triage_and_resolve") == 2
    assert sample(text, "supportdesk_runs_total", status="resolved") == 1
    assert sample(text, "supportdesk_runs_total", status="pending_approval") == 1
    assert sample(text, "supportdesk_approvals_pending") == 1
    assert ready["status"] == "ready"
    assert {"kb_store", "crm_store", "orchestrator"} <= set(ready["checks"])


async def test_each_server_is_also_served_at_its_own_path(data_dir):
    with http_server("all", data_dir=data_dir) as suite:
        names = {}
        for path in ("kb", "crm", "memory", "orchestrator"):
            async with Client(f"{suite.base_url}/{path}/mcp") as client:
                names[path] = {tool.name for tool in await client.list_tools()}
        async with Client(f"{suite.base_url}/kb/mcp") as client:
            hits = await client.call_tool("search", {"query": "refund"})
    assert "search" in names["kb"] and "find_customers" in names["crm"]
    assert "recall" in names["memory"] and "triage_and_resolve" in names["orchestrator"]
    assert hits.structured_content["hits"]
