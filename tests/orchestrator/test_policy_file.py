"""The team's approval policy as a TOML file: its rules change routes end to end (both eras,
per tenant), a bad file is refused naming the file, line and field, and the policy in force is
readable as a resource."""

import json
import subprocess
from pathlib import Path

import pytest

from orchestrator.policy import BUILT_IN_RULES, PolicyError, load_policy
from servers.identity import Caller
from tests.orchestrator.requests import REFUND
from tests.support.eras import client_for
from tests.support.processes import SUPPORTDESK, server_env

ACCOUNT = {"customer": "bob@example.com", "subject": "Change my email",
           "message": "How do I change the email address on my account?"}
POLICY = """\
[[approval.rules]]
name = "account changes need a human"
when = { category = ["account"] }

[tenants.acme.approval]
include_built_in = false
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.fixture
def policy_rig(resolve_server, tmp_path, monkeypatch):
    monkeypatch.setenv("SUPPORTDESK_POLICY_PATH", str(write(tmp_path / "policy.toml", POLICY)))
    return resolve_server()


async def test_a_rule_from_the_file_sends_its_requests_to_a_human(policy_rig, era):
    async with client_for(policy_rig.server, era) as client:
        out = (await client.call_tool("triage_and_resolve", ACCOUNT)).structured_content
    assert out["category"] == "account"
    assert out["status"] == "pending_approval"
    assert out["approval"]["reasons"] == ["account changes need a human"]


async def test_a_tenant_section_replaces_the_rules_for_that_tenant(policy_rig, era):
    acme = Caller("acme", "agent@acme").as_meta()
    async with client_for(policy_rig.server, era) as client:
        demo = (await client.call_tool("triage_and_resolve", REFUND)).structured_content
        theirs = (await client.call_tool("triage_and_resolve", REFUND, meta=acme)
                  ).structured_content
    assert demo["status"] == "pending_approval"
    assert any(reason.startswith("money back requested")
               for reason in demo["approval"]["reasons"])
    assert theirs["status"] != "pending_approval" and theirs["approval"] is None


def test_the_built_in_policy_is_todays_rules(tmp_path):
    policy = load_policy(write(tmp_path / "empty.toml", ""))
    assert policy.approval_rules("demo") == BUILT_IN_RULES
    added = load_policy(write(tmp_path / "p.toml", POLICY))
    assert added.approval_rules("demo")[:-1] == BUILT_IN_RULES
    assert added.approval_rules("acme") == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[approval.rules]]\nname = 'x'\nwhen = { categroy = ['account'] }\n",
         ":3: approval.rules.0.when.categroy: Extra inputs are not permitted"),
        ("[[approval.rules]]\nname = 'ok'\nwhen = {}\n\n[[approval.rules]]\nname = 'x'\n"
         "when = { signals = ['refnd'] }\n", ":7: approval.rules.1.when.signals.0: Input "
         "should be 'refund'"),
        ("[approval]\nrules = 3\n", ":2: approval.rules: Input should be a valid list"),
        ("[sla]\nurgent = '1h'\n", ":2: sla.urgent: Extra inputs are not permitted"),
        ("[sla.business_hours]\ntimezone = 'UTC'\nmonday = ['9-5']\n",
         ":3: sla.business_hours.monday: Value error, '9-5' is not a period"),
        ("[assignment]\nescalation = 'tier2'\n", ":1: assignment: Value error, group 'tier2'"),
        ("[[approval.rules]\n", ": not valid TOML"),
    ],
)
def test_a_bad_file_is_refused_naming_the_file_line_and_field(tmp_path, text, message):
    path = write(tmp_path / "bad.toml", text)
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    assert str(raised.value).startswith(f"{path}{message}")


def test_policy_check_and_a_bad_policy_at_start(tmp_path):
    good = write(tmp_path / "good.toml", POLICY)
    bad = write(tmp_path / "bad.toml", "[approval]\nrules = 3\n")
    checked = subprocess.run([SUPPORTDESK, "policy", "check", str(good)], capture_output=True,
                             text=True, timeout=60)
    refused = subprocess.run([SUPPORTDESK, "policy", "check", str(bad)], capture_output=True,
                             text=True, timeout=60)
    start = subprocess.run([SUPPORTDESK, "serve"], capture_output=True, text=True, timeout=120,
                           env=server_env(tmp_path, {"SUPPORTDESK_POLICY_PATH": str(bad)}))
    assert checked.returncode == 0
    assert f"{len(BUILT_IN_RULES) + 1} approval rules by default" in checked.stdout
    assert "tenants with their own: acme" in checked.stdout
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        f"supportdesk policy: {bad}:2: approval.rules: Input should be a valid list")
    assert start.returncode == 2
    assert start.stderr.splitlines() == [
        f"supportdesk: {bad}:2: approval.rules: Input should be a valid list"]


async def test_the_policy_in_force_is_a_resource(data_dir, tmp_path, monkeypatch, era):
    from events import MemoryPublisher
    from servers.settings import CoreSettings
    from servers.suite import build_suite

    path = write(tmp_path / "policy.toml", POLICY)
    monkeypatch.setenv("SUPPORTDESK_POLICY_PATH", str(path))
    suite = build_suite(CoreSettings(data_dir=data_dir), MemoryPublisher()).server
    async with client_for(suite, era) as client:
        demo = json.loads((await client.read_resource("workflow://policy"))[0].text)
        acme = json.loads((await client.read_resource(
            "workflow://policy", meta=Caller("acme", "a").as_meta()))[0].text)
    assert demo["source"] == str(path)
    assert len(demo["approval_rules"]) == len(BUILT_IN_RULES) + 1
    assert demo["approval_rules"][-1] == {"name": "account changes need a human",
                                          "when": {"category": ["account"]}}
    assert acme["approval_rules"] == []


ASSIGNING = """\
[assignment]
categories = { account = "accounts" }
escalation = "tier2"
[assignment.groups]
accounts = ["ana@acme.test", "ben@acme.test"]
tier2 = ["lead@acme.test"]
[sla]
first_response = { normal = "2h", low = "2h", high = "2h" }
"""


@pytest.fixture
def assigning_rig(resolve_server, tmp_path, monkeypatch):
    monkeypatch.setenv("SUPPORTDESK_POLICY_PATH",
                       str(write(tmp_path / "policy.toml", ASSIGNING)))
    return resolve_server()


async def test_the_policy_assigns_tickets_and_escalations_end_to_end(assigning_rig, era):
    from tests.orchestrator.requests import GIBBERISH
    from tests.orchestrator.test_resolve_routes import read_ticket

    async with client_for(assigning_rig.server, era) as client:
        account = (await client.call_tool("triage_and_resolve", ACCOUNT)).structured_content
        handed = (await client.call_tool("triage_and_resolve", GIBBERISH)).structured_content
        answered = await read_ticket(assigning_rig.crm, account["ticket_id"])
        escalated = await read_ticket(assigning_rig.crm, handed["ticket_id"])
    # The account question's ticket went to the accounts group's first agent in turn, with
    # the policy's two-hour first-response target; the agent reply met it.
    ticket = answered["ticket"]
    assert (ticket["assigned_group"], ticket["assignee"]) == ("accounts", "ana@acme.test")
    assert ticket["first_response_at"] is not None
    assert handed["status"] == "escalated"
    assert (escalated["ticket"]["assigned_group"], escalated["ticket"]["assignee"]) == (
        "tier2", "lead@acme.test")
    assert assigning_rig.publisher.of_type("sla.met")
