"""One correlation id — the run id — on the log lines of every server a run touches."""

import json
import logging

from fastmcp import Client

from servers.correlation import CorrelationFields
from servers.logs import JsonLines
from tests.orchestrator.requests import PASSWORD


async def test_every_server_logs_the_runs_correlation_id(resolve_server, caplog):
    rig = resolve_server()
    caplog.handler.addFilter(CorrelationFields())
    with caplog.at_level(logging.DEBUG, logger="supportdesk.calls"):
        async with Client(rig.server) as client:
            out = (await client.call_tool("triage_and_resolve", PASSWORD)).structured_content
    calls = [r for r in caplog.records if r.name == "supportdesk.calls"]
    inner = [r for r in calls if not r.getMessage().startswith("tool call orchestrator.")]
    servers = {r.getMessage().split()[2].split(".")[0] for r in inner}
    assert servers == {"kb", "crm", "memory"}
    assert {r.correlation_id for r in inner} == {out["run_id"]}
    line = json.loads(JsonLines().format(inner[0]))
    assert line["correlation_id"] == out["run_id"] and line["level"] == "DEBUG"
