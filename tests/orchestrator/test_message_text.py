"""The customer's own words: quoted earlier messages and signatures are not questions."""

import pytest

from orchestrator.message_text import own_subject, own_words, without_quotes

REPLY_ON_TOP = """Thanks, that worked for the invoices. One more thing: how do I add a VAT number?

On Tue, 3 Mar 2026 at 10:02, Tasklane Support <support@tasklane.example> wrote:
> Hi Alex,
> To download an invoice, open Billing and choose Invoices.
> Did this answer your question?"""

OUTLOOK = """Can you reverse the duplicate charge from March 3rd?

Kind regards,
Priya Shah
Head of Finance | Acme Ltd
+44 20 7946 0000

From: Tasklane Billing <billing@tasklane.example>
Sent: Monday, March 2, 2026 9:14 AM
To: Priya Shah
Subject: Your receipt
Your payment of $96 was received. Any questions?"""

SIGNATURE = """The export button is greyed out for me since this morning.

--
Tom Becker
Operations, Becker GmbH"""

PHONE = """where is the dark mode setting?

Sent from my iPhone"""

FORWARDED = """FYI, see below — can you help this customer?

---------- Forwarded message ---------
From: Lena <lena@example.com>
Date: Mon, 2 Mar 2026
Subject: Export fails
Our CSV export fails with an error every time. What should we do?"""


@pytest.mark.parametrize(("message", "kept", "dropped"), [
    (REPLY_ON_TOP, "how do I add a VAT number?", "Did this answer your question?"),
    (OUTLOOK, "Can you reverse the duplicate charge", "Any questions?"),
    (OUTLOOK, "Can you reverse the duplicate charge", "Head of Finance"),
    (SIGNATURE, "greyed out", "Becker GmbH"),
    (PHONE, "dark mode", "iPhone"),
])
def test_quoted_messages_and_signatures_are_dropped(message, kept, dropped):
    words = own_words(message)
    assert kept in words and dropped not in words


def test_a_forwarded_message_is_the_matter_itself_and_is_kept():
    assert "What should we do?" in own_words(FORWARDED)


def test_a_message_the_customer_says_they_forward_is_kept_under_a_reply_header():
    message = ("Forwarding this from a colleague:\n\n-----Original Message-----\n"
               "From: Ben Ito\nSubject: attachments\n\nMy uploads fail when the file is "
               "bigger than a few MB. Is there a size limit?")
    assert "Is there a size limit?" in own_words(message)
    # Forwarding mentioned earlier, not introducing the quote: the quote is still dropped.
    reply = ("I forwarded your steps to IT.\nIt still fails.\n\nOn Mon, 2 Mar 2026, "
             "Support wrote:\n> Try clearing the cache.")
    assert own_words(reply) == "I forwarded your steps to IT.\nIt still fails."


def test_a_message_that_is_all_quote_is_kept_as_it_is():
    only_quote = "> How do I reset my password?\n> Thanks"
    assert own_words(only_quote) == only_quote


def test_a_closing_line_in_the_middle_is_not_a_signature():
    text = "Thanks for the quick fix.\nBut the export still fails for files over 10 MB, why?"
    assert own_words(text) == text


def test_a_closing_thank_you_is_kept_where_it_says_how_the_customer_feels():
    text = "Just wanted to say the new timeline view is great.\n\nThank you!\nDana"
    assert own_words(text) == "Just wanted to say the new timeline view is great."
    assert without_quotes(text) == text


@pytest.mark.parametrize("subject", ["(no subject)", "No Subject", "[untitled]", "(none)"])
def test_a_placeholder_subject_is_no_subject(subject):
    assert own_subject(subject) == ""


@pytest.mark.parametrize("subject", ["No access to my invoices", "Empty project list",
                                     "None of my tasks sync"])
def test_a_real_subject_is_kept(subject):
    assert own_subject(subject) == subject
