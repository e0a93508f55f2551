"""A message that asks several things is split into its questions; each is researched and
answered in turn, and a part nothing answers is said plainly and goes to a human."""

import pytest
from fastmcp import Client

from orchestrator.nodes.research import by_answer
from orchestrator.questions import asked, split_questions, without_label
from tests.orchestrator.requests import resolve


@pytest.mark.parametrize(("message", "expected"), [
    ("Hi team, three things:\n1. How do I export a project to CSV?\n2. Why was I charged "
     "extra mid-month?\n3. Any plans for built-in time tracking?",
     ["How do I export a project to CSV?", "Why was I charged extra mid-month?",
      "Any plans for built-in time tracking?"]),
    ("- How do we verify the webhook signature?\n- How do we get missed events back?",
     ["How do we verify the webhook signature?", "How do we get missed events back?"]),
    ("Where can I download our invoices, and how do I add our VAT number to them?",
     ["Where can I download our invoices?", "how do I add our VAT number to them?"]),
    ("We're moving off Tasklane. How do we export the workspace? And what happens to our "
     "data after we cancel?",
     ["We're moving off Tasklane. How do we export the workspace?",
      "what happens to our data after we cancel?"]),
    ("As an admin: 1) where's the audit log, 2) can I require 2FA for everyone?",
     ["where's the audit log", "can I require 2FA for everyone?"]),
    ("First, our workspace export has been stuck for hours. Second, can we schedule "
     "automatic backups to S3?",
     ["our workspace export has been stuck for hours.",
      "can we schedule automatic backups to S3?"]),
    ("How can I download all attachments from a project? And separately, uploads of big "
     "PDFs fail with an error, why?",
     ["How can I download all attachments from a project?",
      "uploads of big PDFs fail with an error, why?"]),
    # An ordinal without its comma is part of the sentence, not an item marker.
    ("Third time this week the export failed. How do I export a project to CSV? Also, where "
     "can I download our invoices?",
     ["Third time this week the export failed. How do I export a project to CSV?",
      "where can I download our invoices?"]),
])
def test_several_questions_are_split_in_order(message, expected):
    assert split_questions(message) == expected


@pytest.mark.parametrize("message", [
    "Our payment failed because the card expired. What happens next and how do we fix it?",
    # A four-word half asks about the same thing as the other half.
    "Our sync script gets HTTP 429 from the API. What are the limits and how should we back off?",
    "Our seat count jumped from 50 to 65. Who counts as a seat, and why were guests added?",
    "I need a task to repeat on the last working day of every month. Is that possible?",
    "Hi, I was charged twice on March 3rd. Can you reverse one of them?",
    "Tasklane is down for everyone. Please treat this as urgent.",
    "where do i get a pdf invoice for last month? need it for accounting",
    "Third month in a row that our invoice shows the wrong company name. Please fix it "
    "properly this time, this is getting really annoying.",
])
def test_one_question_with_context_or_a_follow_up_stays_whole(message):
    assert split_questions(message) == [message]


def test_more_than_three_questions_keep_the_rest_together_in_the_last():
    parts = split_questions("1. How do I export?\n2. Where are invoices?\n3. How do I add "
                            "seats?\n4. Is there an API?")
    assert parts == ["How do I export?", "Where are invoices?",
                     "How do I add seats? Is there an API?"]


def test_what_a_question_asks_keeps_context_only_when_it_needs_it():
    assert asked("We're moving off Tasklane. How do we export the whole workspace?") == (
        "How do we export the whole workspace?")
    assert asked("We're setting up SAML SSO with Okta. How do we set it up?") == (
        "We're setting up SAML SSO with Okta. How do we set it up?")


@pytest.mark.parametrize(("sentence", "asks"), [
    ("Feature questions: can a task have more than one assignee?",
     "can a task have more than one assignee?"),
    ("Quick question: how do I export?", "how do I export?"),
    ("Urgent: please reset my 2FA", "please reset my 2FA"),
    # Not a label: what follows the colon is not the ask, or the words before it are.
    ("Which format: CSV or JSON?", "Which format: CSV or JSON?"),
    ("How do I export: CSV or JSON?", "How do I export: CSV or JSON?"),
    ("At 10:30 the app crashed, why?", "At 10:30 the app crashed, why?"),
])
def test_a_label_before_a_question_is_not_what_it_asks(sentence, asks):
    assert without_label(sentence) == asks


def test_questions_answered_by_the_same_article_become_one():
    def hit(article):
        return {"article_id": article, "uri": f"kb://articles/{article}", "score": 1.0}

    questions, passages = by_answer(
        ["Does the trial need a card?", "What happens when it ends?", "Where are invoices?"],
        [[hit("plans-free-trial"), hit("plans-compare")], [hit("plans-free-trial")],
         [hit("billing-download-invoices")]],
    )
    assert questions == ["Does the trial need a card? What happens when it ends?",
                         "Where are invoices?"]
    assert [(p["article_id"], p["part"]) for p in passages] == [
        ("plans-free-trial", 0), ("plans-compare", 0), ("billing-download-invoices", 1)]


async def test_each_question_is_answered_in_turn_from_its_own_article(resolve_server):
    rig = resolve_server()
    async with Client(rig.server) as client:
        out = await resolve(client, "carmen@example.org", "A few questions",
                            "Hi, two things:\n1. How do I connect Tasklane to Slack?\n"
                            "2. How do I download our invoices?")
    assert out["status"] == "resolved", out
    cited = [c["article_id"] for c in out["citations"]]
    assert cited == ["integrations-slack", "billing-download-invoices"]
    reply = out["reply"]
    assert "You asked about 2 things" in reply
    first, second = reply.index("1) How do I connect"), reply.index("2) How do I download")
    assert first < reply.index("[1]") < second < reply.index("[2]")
    research = next(s for s in out["trace"] if s["agent"] == "research")
    assert "for 2 questions" in research["summary"]


async def test_each_how_do_i_question_gets_its_procedure_whole(resolve_server):
    """As a message of one question would: 'how do we transfer ownership' is answered with
    the transfer steps in order, not with the article's asides about owners."""
    rig = resolve_server()
    async with Client(rig.server) as client:
        out = await resolve(client, "carmen@example.org", "Two things",
                            "Our founder is leaving. How do we transfer workspace ownership to "
                            "me, and how can I download all attachments from a project?")
    reply = out["reply"]
    ownership = reply[reply.index("1) "):reply.index("2) ")]
    steps = ["Make sure the new owner is already an Admin",
             "click ⋯ → Transfer ownership", "Enter your password (or 2FA code) to confirm.",
             "must click Accept ownership within 7 days"]
    assert all(step in ownership for step in steps), reply
    assert [ownership.index(step) for step in steps] == sorted(
        ownership.index(step) for step in steps)


async def test_a_question_nothing_answers_is_said_plainly_and_goes_to_a_human(resolve_server):
    rig = resolve_server()
    async with Client(rig.server) as client:
        out = await resolve(client, "carmen@example.org", "Two things",
                            "1. How do I connect Tasklane to Slack?\n"
                            "2. What is the airspeed velocity of an unladen swallow?")
    assert "a colleague will follow up on it" in out["reply"], out["reply"]
    assert out["status"] != "resolved"
    assert any("no help-center answer" in r for r in out["approval"]["reasons"]), out
