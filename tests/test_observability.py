"""Metrics, health and readiness of a served suite, read the way an operator would."""

import httpx
from fastmcp import Client

from tests.orchestrator.requests import PASSWORD, REFUND
from tests.deploy.test_observability import alert_queries, dashboard_queries, metrics_named
from tests.support.processes import http_server
from tests.support.services import wait_until


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
        # Events are counted as they reach the log, a moment after the call that wrote them.
        text = wait_until(lambda: _with_event(httpx.get(f"{suite.base_url}/metrics").text,
                                              "request.resolved"), what="events counted")
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
    assert sample(text, "supportdesk_events_total", type="approval.requested") == 1
    assert sample(text, "supportdesk_event_relay_backlog") == 0  # no broker: nothing to relay
    assert sample(text, "supportdesk_oldest_pending_approval_age_seconds") > 0
    assert {name: sample(text, "supportdesk_ready", check=name)
            for name in ("kb_store", "crm_store", "orchestrator")} == {
        "kb_store": 1, "crm_store": 1, "orchestrator": 1}
    # Every query of the shipped dashboard and alerts names a series this server exports.
    exported = exported_series(text)
    assert metrics_named(dashboard_queries() + alert_queries()) <= exported


def _with_event(text: str, event_type: str) -> str | None:
    try:
        return text if sample(text, "supportdesk_events_total", type=event_type) else None
    except AssertionError:
        return None


def exported_series(text: str) -> set[str]:
    """The series names a /metrics page offers, empty label sets included."""
    from prometheus_client.parser import text_string_to_metric_families

    suffixes = {"counter": ("_total", "_created"), "gauge": ("",),
                "histogram": ("_bucket", "_count", "_sum", "_created")}
    return {family.name + suffix for family in text_string_to_metric_families(text)
            for suffix in suffixes.get(family.type, ("",))}


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


async def test_every_line_a_server_writes_is_one_json_object(tmp_path, demo_kb_dir):
    """Third-party loggers included: fastmcp's tracebacks and refusals, uvicorn's bind error."""
    import json
    import subprocess

    from fastmcp.client.transports import StreamableHttpTransport

    from tests.support.eras import client_for
    from tests.support.processes import SUPPORTDESK, copy_tree, http_server, server_env

    data = copy_tree(demo_kb_dir, tmp_path / "data")
    env = {"SUPPORTDESK_LOG_LEVEL": "INFO"}
    with http_server("kb", data_dir=data, env=env) as kb:
        async with client_for(StreamableHttpTransport(kb.mcp_url), "2026-07-28") as client:
            for arguments in ({"query": 5}, {"query": "refund", "limit": True},
                              {"query": "a\x00b"}, {"query": "refund"}):
                await client.call_tool("search", arguments, raise_on_error=False)
            await client.call_tool("get_article", {"article_id": "nope"}, raise_on_error=False)
        port = kb.base_url.rsplit(":", 1)[1]
        taken = subprocess.run(
            [SUPPORTDESK, "serve", "kb", "--transport", "http", "--port", port],
            env=server_env(data, env), capture_output=True, text=True, timeout=120,
        )
        lines = kb.stderr().splitlines()
    records = [json.loads(line) for line in lines if line.strip()]  # fails on any other line
    refusals = [r for r in records if "Invalid arguments" in r["message"]]
    assert len(refusals) == 2 and {r["level"] for r in refusals} == {"INFO"}
    assert not [r for r in records if r["level"] == "ERROR" and "search" in r["message"]]
    # A port already taken is a configuration mistake: one line for the operator, before any
    # line announces serving, and exit 2.
    assert taken.returncode == 2
    assert taken.stderr.splitlines() == [
        f"supportdesk: cannot listen on 127.0.0.1:{port} (Address already in use); choose "
        "another with --port or SUPPORTDESK_HTTP_PORT"]
