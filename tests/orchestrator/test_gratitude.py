"""A thank-you gets a short, warm reply: no steps, no sources, no human needed; a message
that thanks and also asks is still a request."""

import pytest
from fastmcp import Client

from orchestrator.gratitude import is_gratitude
from tests.orchestrator.requests import PASSWORD, resolve


@pytest.mark.parametrize(("subject", "message"), [
    ("Love the new timeline view", "Just wanted to say thanks for the timeline view, my whole "
     "team loves it. Great job!"),
    ("", "thx, that fixed it :)"),
    ("Kudos", "Huge kudos to Maria from your support team, she was fantastic."),
    ("Thank you", "Thank you for the quick turnaround on the import yesterday."),
])
def test_thanks_and_praise_are_gratitude(subject, message):
    assert is_gratitude(subject, message)


@pytest.mark.parametrize(("subject", "message"), [
    ("Export", "Thanks in advance! How do I export my boards to CSV?"),
    ("", "Please reset my password, thanks"),
    ("Thanks, but", "Thanks for the update, but the export still fails for me."),
    ("Feature wish", "Love the app! I wish it had a dark mode."),
    ("Useless", "This product is useless and I will warn everyone I know."),
    ("Invoice", "Could you send me last month's invoice? Many thanks."),
])
def test_a_message_that_asks_for_something_is_a_request(subject, message):
    assert not is_gratitude(subject, message)


async def test_a_thank_you_is_answered_warmly_without_steps_or_sources(resolve_server):
    rig = resolve_server()
    async with Client(rig.server) as client:
        thanks = await resolve(client, "bob@example.com", "Love the new timeline view",
                               "Just wanted to say thanks for the timeline view, my whole team "
                               "loves it. Great job!")
        request = await resolve(client, **PASSWORD)
    assert thanks["status"] == "resolved", thanks
    assert "Thank you so much" in thanks["reply"]
    assert "Sources" not in thanks["reply"] and "1. " not in thanks["reply"]
    assert thanks["citations"] == []
    triage = next(s for s in thanks["trace"] if s["agent"] == "triage")
    assert "a thank-you" in triage["summary"]
    assert request["status"] == "resolved" and request["citations"]
    assert "1. " in request["reply"]


async def test_a_reply_on_top_of_a_quoted_thread_is_triaged_on_the_customer_s_words(
    resolve_server
):
    rig = resolve_server()
    async with Client(rig.server) as client:
        out = (await client.call_tool("triage_and_resolve", {
            "customer": "bob@example.com", "subject": "Re: Your receipt",
            "message": "Thank you, that sorted it!\n\nBob\n\n"
                       "On Mon, 2 Mar 2026 at 09:14, Tasklane Billing <billing@example.com> "
                       "wrote:\n> Your card was declined. Can you update your payment method?",
        })).structured_content
    assert out["status"] == "resolved" and out["citations"] == []
    triage = next(s for s in out["trace"] if s["agent"] == "triage")
    assert "a thank-you" in triage["summary"]
    assert "quoted text and signature set aside" in triage["summary"]


@pytest.mark.parametrize(("subject", "message"), [
    ("Re: invoice", "Got it, many thanks! Have a great weekend."),
    ("Re: Your ticket", "That worked perfectly, thanks so much for the quick help!"),
    ("Appreciation", "I really appreciate how fast you fixed the sync bug. Well done."),
])
def test_what_was_thanked_for_and_an_old_thread_s_subject_are_not_requests(subject, message):
    assert is_gratitude(subject, message)
