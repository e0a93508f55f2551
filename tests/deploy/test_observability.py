"""The dashboard and the alerts that ship in manifests/: the rules are valid Prometheus rules
that fire when they should (promtool, Debian's prometheus package), the operator's copy says
the same, and every query names a metric the servers export (tests/test_observability.py
reads those off a served suite)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support.debian import debian_program

MANIFESTS = Path(__file__).resolve().parents[2] / "manifests"
OBSERVABILITY = MANIFESTS / "observability"
METRIC = re.compile(r"\bsupportdesk_[a-z_]+\b")


def dashboard_queries() -> list[str]:
    dashboard = json.loads((OBSERVABILITY / "grafana-dashboard.json").read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


def alert_queries() -> list[str]:
    groups = yaml.safe_load((OBSERVABILITY / "alerts.yaml").read_text())["groups"]
    return [rule["expr"] for group in groups for rule in group["rules"]]


def metrics_named(queries: list[str]) -> set[str]:
    return {name for query in queries for name in METRIC.findall(query)}


@pytest.fixture(scope="module")
def promtool() -> str:
    return debian_program("promtool", "prometheus")


def test_the_alert_rules_are_valid_and_fire_when_they_should(promtool):
    checked = subprocess.run([promtool, "check", "rules", "alerts.yaml"], cwd=OBSERVABILITY,
                             capture_output=True, text=True)
    tested = subprocess.run([promtool, "test", "rules", "alerts.test.yaml"], cwd=OBSERVABILITY,
                            capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS: 6 rules found" in checked.stdout
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_the_operators_rule_is_the_rules_file(promtool, tmp_path):
    operator = yaml.safe_load((MANIFESTS / "overlays/prod/prometheus-rule.yaml").read_text())
    plain = yaml.safe_load((OBSERVABILITY / "alerts.yaml").read_text())
    assert operator["kind"] == "PrometheusRule"
    assert operator["spec"]["groups"] == plain["groups"]
    extracted = tmp_path / "operator.yaml"
    extracted.write_text(yaml.safe_dump({"groups": operator["spec"]["groups"]}))
    checked = subprocess.run([promtool, "check", "rules", str(extracted)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_dashboard_shows_what_operators_watch():
    dashboard = json.loads((OBSERVABILITY / "grafana-dashboard.json").read_text())
    titles = [panel["title"] for panel in dashboard["panels"]]
    assert all(panel["targets"] for panel in dashboard["panels"])
    named = metrics_named(dashboard_queries())
    for metric in ("supportdesk_tool_calls_total", "supportdesk_tool_call_seconds_bucket",
                   "supportdesk_runs_total", "supportdesk_approvals_pending",
                   "supportdesk_events_total", "supportdesk_event_relay_backlog",
                   "supportdesk_notifications_total", "supportdesk_ready"):
        assert metric in named, metric
    assert len(set(titles)) == len(titles)
