"""Help-center Markdown read as sentences that stand alone as steps of a reply."""

import pytest

from orchestrator.engines.offline.sentences import sentences


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
])
def test_sentences_stand_alone(markdown, expected):
    assert sentences(markdown) == expected
