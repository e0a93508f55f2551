"""What a tool's schema accepts works to the end: identifiers and texts are defined once, blank
text and NUL characters are refused up front naming the field, and nothing is coerced into a
value that means something else — on the whole suite, through a real client, both eras."""

import pytest
from fastmcp.exceptions import ToolError

from servers.settings import CoreSettings
from servers.suite import build_suite
from tests.orchestrator.requests import PASSWORD
from tests.support.eras import client_for


@pytest.fixture
def suite(data_dir):
    from events import MemoryPublisher

    return build_suite(CoreSettings(data_dir=data_dir, default_tenant="demo"),
                       MemoryPublisher()).server


@pytest.mark.parametrize(
    ("tool", "arguments", "field"),
    [
        ("triage_and_resolve", {**PASSWORD, "request_id": "r" * 121}, "request_id"),
        ("triage_and_resolve", {**PASSWORD, "request_id": "chat:42"}, "request_id"),
        ("triage_and_resolve", {**PASSWORD, "request_id": ".hidden"}, "request_id"),
        ("triage_and_resolve", {**PASSWORD, "request_id": "-dash"}, "request_id"),
        ("triage_and_resolve", {**PASSWORD, "subject": "   \n\t "}, "subject"),
        ("triage_and_resolve", {**PASSWORD, "message": "    "}, "message"),
        ("triage_and_resolve", {**PASSWORD, "message": "hello\x00world"}, "message"),
        ("crm_find_customers", {"email": "\x00zzz"}, "email"),
        ("crm_find_customers", {"limit": True}, "limit"),
        ("crm_find_customers", {"limit": "5"}, "limit"),
        ("crm_update_ticket", {"ticket_id": "T-000002", "expected_version": True,
                               "status": "open"}, "expected_version"),
        ("crm_add_note", {"ticket_id": "T-000002", "body": " \n "}, "body"),
        ("kb_search", {"query": "refund", "tags": ["ok", "bad\x00tag"]}, r"tags\[1\]"),
        ("memory_remember", {"customer_id": "C-000002", "content": "x\x00"}, "content"),
    ],
)
async def test_bad_input_is_refused_up_front_naming_the_field(suite, era, tool, arguments, field):
    async with client_for(suite, era) as client:
        with pytest.raises(ToolError, match=field):
            await client.call_tool(tool, arguments)


async def test_the_longest_request_id_the_schema_accepts_works_end_to_end(suite, era):
    request_id = "R" + "a.b_c-" * 19 + "zzzzz"  # 120 characters, every allowed character
    async with client_for(suite, era) as client:
        out = await client.call_tool("triage_and_resolve", {**PASSWORD,
                                                             "request_id": request_id[:120]})
    assert out.structured_content["status"] == "resolved"
    assert out.structured_content["request_id"] == request_id[:120]
