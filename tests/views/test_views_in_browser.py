"""The MCP Apps views in a real browser: headless Chromium shows each view in a minimal host
page, fed a real tool result from the suite; clicking approve, edit or reject sends the tool
call a host would forward, and the suite acts on it. Screenshots go to .artifacts/views/."""

from __future__ import annotations

import pytest

from servers.settings import CoreSettings
from servers.suite import build_suite
from tests.orchestrator.requests import PASSWORD, REFUND
from tests.support.services import await_until
from tests.views.host import ViewHost

pytestmark = pytest.mark.integration


@pytest.fixture
async def suite_client(data_dir):
    from fastmcp import Client

    from events import EventSettings, bus_from_settings

    bus = bus_from_settings(EventSettings(), data_dir)
    suite = build_suite(CoreSettings(data_dir=data_dir, default_tenant="demo"), bus).server
    async with bus, Client(suite) as client:
        yield client


@pytest.fixture
async def host(browser, suite_client):
    page = await browser.new_page(viewport={"width": 800, "height": 1000})
    view_host = ViewHost(page, suite_client)
    await view_host.start()
    yield view_host
    assert view_host.problems == [], "the view broke its CSP, made a request or logged errors"


async def run(client, tool: str, arguments: dict):
    result = await client.call_tool_mcp(tool, arguments)
    assert not result.is_error, result.content
    return result


async def request_detail(client, request_id: str) -> dict:
    return (await client.call_tool("workflow_get_request", {"request_id": request_id})
            ).structured_content


async def test_the_approval_view_sends_an_edited_reply_for_a_paused_run(
    host, suite_client, screenshots
):
    result = await run(suite_client, "triage_and_resolve", REFUND)
    outcome = result.structured_content
    assert outcome["status"] == "pending_approval"
    view = await host.show("triage_and_resolve", REFUND, result)

    card = view.locator(f'[data-approval-id="{outcome["approval"]["approval_id"]}"]')
    await card.locator("blockquote").get_by_text("annual Pro plan").wait_for()
    assert await card.get_by_label("Proposed reply").input_value() == outcome["reply"]
    for citation in outcome["citations"]:
        await card.get_by_text(citation["title"]).first.wait_for()
    await card.get_by_text("status: resolved").wait_for()
    await card.get_by_text("requested: true").wait_for()
    await host.page.locator("#view").screenshot(path=screenshots / "approval.png")

    edited = "Hi Carmen, we have refunded the annual Pro plan; it shows in 5-10 days."
    await card.get_by_role("button", name="Edit").click()
    await card.get_by_label("Proposed reply").fill(edited)
    await card.get_by_role("button", name="Send edited reply").click()
    await card.get_by_text("Decided: edit. The request is resolved").wait_for()

    approval_id = outcome["approval"]["approval_id"]
    assert host.calls == [("resolve_approval", {
        "approval_id": approval_id, "decision": "edit", "edited_reply": edited})]
    detail = await request_detail(suite_client, outcome["request_id"])
    assert detail["approval"]["decision"] == "edit"
    assert detail["outcome"]["reply"] == edited


async def test_the_approvals_view_approves_one_and_rejects_another_only_with_a_reason(
    host, suite_client
):
    first = (await run(suite_client, "triage_and_resolve", REFUND)).structured_content
    second = (await run(suite_client, "triage_and_resolve", {
        **REFUND, "customer": "dmitri@example.net", "subject": "Charged for Pro"})
    ).structured_content
    listed = await run(suite_client, "workflow_list_pending_approvals", {})
    view = await host.show("workflow_list_pending_approvals", {}, listed)

    approve = view.locator(f'[data-approval-id="{first["approval"]["approval_id"]}"]')
    reject = view.locator(f'[data-approval-id="{second["approval"]["approval_id"]}"]')
    await reject.get_by_role("button", name="Reject").click()
    await reject.get_by_text("Give a reason to reject").wait_for()
    assert host.calls == []

    await reject.get_by_label("Reason").fill("Refunds of annual plans go through finance.")
    await reject.get_by_role("button", name="Reject").click()
    await reject.get_by_text("Decided: reject. The request is rejected").wait_for()
    await approve.get_by_role("button", name="Approve and send").click()
    await approve.get_by_text("Decided: approve. The request is resolved").wait_for()

    assert host.calls == [
        ("workflow_decide_approval", {"approval_id": second["approval"]["approval_id"],
                                      "decision": "reject",
                                      "reason": "Refunds of annual plans go through finance."}),
        ("workflow_decide_approval", {"approval_id": first["approval"]["approval_id"],
                                      "decision": "approve"}),
    ]
    assert (await request_detail(suite_client, first["request_id"]))["request"]["status"] == (
        "resolved")
    assert (await request_detail(suite_client, second["request_id"]))["request"]["status"] == (
        "rejected")


async def test_a_second_decision_from_the_view_shows_who_decided_first(host, suite_client):
    outcome = (await run(suite_client, "triage_and_resolve", REFUND)).structured_content
    listed = await run(suite_client, "workflow_list_pending_approvals", {})
    await run(suite_client, "resolve_approval", {
        "approval_id": outcome["approval"]["approval_id"], "decision": "approve"})
    view = await host.show("workflow_list_pending_approvals", {}, listed)

    card = view.locator(f'[data-approval-id="{outcome["approval"]["approval_id"]}"]')
    await card.get_by_role("button", name="Approve and send").click()
    await card.get_by_text("was already decided by").wait_for()
    assert await card.get_by_role("button", name="Approve and send").is_enabled()


async def test_the_request_view_shows_the_trace_and_timeline_and_refreshes(
    host, suite_client, screenshots
):
    outcome = (await run(suite_client, "triage_and_resolve", PASSWORD)).structured_content
    arguments = {"request_id": outcome["request_id"]}

    async def resolved_in_the_log():
        result = await run(suite_client, "workflow_get_request", arguments)
        types = {event["type"] for event in result.structured_content["timeline"]}
        return result if "request.resolved" in types else None

    result = await await_until(resolved_in_the_log, what="the request's events in the log")
    detail = result.structured_content
    view = await host.show("workflow_get_request", arguments, result)

    await view.locator('[data-status="resolved"]').wait_for()
    trace = view.get_by_role("table", name="Per-agent trace")
    assert await trace.locator("tbody tr").count() == len(outcome["trace"])
    for step in outcome["trace"]:
        await trace.get_by_text(step["summary"], exact=True).first.wait_for()
    await view.get_by_text(detail["outcome"]["ticket_id"]).first.wait_for()
    timeline = view.get_by_role("list", name="Timeline")
    assert await timeline.locator("li").count() == len(detail["timeline"])
    await host.page.locator("#view").screenshot(path=screenshots / "request.png")

    await view.get_by_role("button", name="Refresh").click()
    await view.get_by_role("button", name="Refresh").and_(
        view.locator(":enabled")).wait_for()
    assert host.calls == [("workflow_get_request", arguments)]
    await timeline.get_by_text("request.resolved").wait_for()
