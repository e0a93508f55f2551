"""Help-center Markdown read as sentences that stand alone as steps of a reply."""

import pytest

from orchestrator.engines.offline.sentences import procedures, sentences


@pytest.mark.parametrize(("markdown", "expected"), [
    # The conjunction that tied a sentence to the one before is dropped.
    ("Wait 15 minutes, then sign in again. Or reset your password straight away. Android and "
     "iOS work the same way.",
     ["Wait 15 minutes, then sign in again.", "Reset your password straight away.",
      "Android and iOS work the same way."]),
    # A quoted message is not torn at the stops inside it.
    ('- **"Too many sign-in attempts. Try again in 30 minutes."** There were **10 failed '
     "attempts within 15 minutes**.",
     ['"Too many sign-in attempts. Try again in 30 minutes." There were 10 failed attempts '
      "within 15 minutes."]),
    # A list item that is only a clause of a condition is not a step.
    ("- **Pro or Business annual plans with 20 or more seats**, and\n"
     "- a billing address in a supported country.",
     ["A billing address in a supported country."]),
    # A list item led by a bold sentence is one step: the case it names and its fix, without
    # a pointer to another section.
    ("- **The link has expired.** Links are valid for **7 days**. After that, request a new "
     "export.\n"
     '- **"Upload failed. Try again."** The upload was interrupted. See the next section.',
     ["If the link has expired: Links are valid for 7 days. After that, request a new export.",
      '"Upload failed. Try again." The upload was interrupted.']),
    # A bold case is said as the condition of its fix: stated, a reply would tell the customer
    # their link has expired. One in the customer's voice is said to them. A thing to do, a
    # name, or a case whose fix has its own "If", stays as it is.
    ("- **Tax was charged before I added my VAT number.** Changes only apply to future "
     "invoices.\n"
     "- **Update your browser.** Old versions are slow with large projects.\n"
     "- **The charge was for another account.** If no invoice matches, email billing.\n"
     "- **Nonprofits — 50% off Pro and Business.** Registered charities qualify.",
     ["If tax was charged before you added your VAT number: Changes only apply to future "
      "invoices.",
      "Update your browser. Old versions are slow with large projects.",
      "The charge was for another account. If no invoice matches, email billing.",
      "Nonprofits — 50% off Pro and Business. Registered charities qualify."]),
    # So is a numbered step: "Click Save." alone would be too short to keep, and its second
    # sentence alone would not say what to do.
    ("1. Click **Save**. A new calendar called **Tasklane** appears within a few minutes.\n"
     "2. We send a link to the **new** address. Click it within **24 hours**.",
     ["Click Save. A new calendar called Tasklane appears within a few minutes.",
      "We send a link to the new address. Click it within 24 hours."]),
    # A sentence starts with a capital, but a name written with a small one keeps it.
    ("- **iOS:** go to **Settings → Notifications**.\n- **macOS** 12 or later is supported.\n"
     "- turn on **Allow Notifications** on the device.",
     ["iOS: go to Settings → Notifications.", "macOS 12 or later is supported.",
      "Turn on Allow Notifications on the device."]),
])
def test_sentences_stand_alone(markdown, expected):
    assert sentences(markdown) == expected


def test_numbered_lists_are_procedures_in_order():
    markdown = ("Before you start, check your role.\n\n"
                "1. Click your avatar, then go to **My profile → Account**.\n"
                "2. Scroll to **Delete account**.\n\n"
                "3. Click **Permanently delete**.\n\n"
                "- A bullet is not a step of it.\n\n"
                "1. A second list starts here.\n"
                "2. Then save your changes.")
    assert procedures(markdown) == [
        ["Click your avatar, then go to My profile → Account.", "Scroll to Delete account.",
         "Click Permanently delete."],
        ["A second list starts here.", "Then save your changes."],
    ]
