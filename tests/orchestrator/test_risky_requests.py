"""Privacy and legal actions, account deletion, threats and a request to be phoned are never
answered without a human (the built-in policy's rules), whatever else the message asks."""

import pytest

from orchestrator.signals import find_signals
from tests.support.eras import client_for

CASES = [
    ("Close my account", "Please close my account and erase all my personal data.",
     ["privacy request (data protection rights)", "account deletion requested"]),
    ("Formal erasure request", "This is a formal request under GDPR Article 17 (right to "
     "erasure). Confirm in writing within one month.", ["privacy request (data protection "
                                                         "rights)"]),
    ("Useless product", "Your product is useless. Nothing works and I will warn everyone I "
     "know and leave a one-star review on Trustpilot.", ["the customer threatens escalation "
                                                          "(threat)"]),
    ("Chargeback", "If this is not fixed today I will file a chargeback with my bank.",
     ["the customer threatens escalation (threat)"]),
    ("Call me back", "Hi, I have a question about my account and someone's access, can "
     "somebody call me back on +1 (312) 555-0188? Thanks, Dana",
     ["the customer asks to be called back"]),
]


@pytest.mark.parametrize(("subject", "message", "reasons"), CASES)
async def test_a_risky_request_waits_for_a_human_with_the_rule_named(
    resolve_server, subject, message, reasons
):
    rig = resolve_server()
    async with client_for(rig.server, "2026-07-28") as client:
        out = (await client.call_tool("triage_and_resolve", {
            "customer": "bob@example.com", "subject": subject, "message": message,
        })).structured_content
    assert out["status"] == "pending_approval"
    assert set(reasons) <= set(out["approval"]["reasons"])


@pytest.mark.parametrize("text", [
    "How do I update my credit card?", "Can I export my projects to CSV?",
    "I want to cancel my subscription at the end of the month.",
    "How do I delete a project?", "Where can I review my invoices?",
])
def test_ordinary_requests_raise_none_of_these_signals(text):
    assert not {"privacy", "account_deletion", "threat", "callback"} & set(find_signals(text))


@pytest.mark.parametrize("text", [
    "Please give me a call tomorrow morning about the invoice.",
    "Could someone phone me? My number is in my profile.",
    "I'd like to schedule a phone call with your sales team.",
    "Call us at the office number, we can't sort this out by email.",
])
def test_a_request_to_be_phoned_is_a_callback(text):
    assert "callback" in find_signals(text)


@pytest.mark.parametrize("text", [
    "Our webhook callback URL returns 404.", "Can you call the API twice in a second?",
    "Each API call returns 429 after a while.", "The phone app doesn't sync.",
])
def test_calls_that_are_not_phone_calls_are_not_callbacks(text):
    assert "callback" not in find_signals(text)
