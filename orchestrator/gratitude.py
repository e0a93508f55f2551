"""A message that only thanks or praises: nothing to answer, so no steps and no sources — a
short, warm reply instead, whichever engine drafts the rest.

Deterministic, so every engine treats a thank-you alike: a thanks or praise cue, and no
question, request or problem anywhere in it ("thanks, but the export fails" is a request).
"""

from __future__ import annotations

import re

from orchestrator.domain import Customer, Draft

_THANKS = re.compile(
    r"\b(?:thank(?:s| you)|thx|many thanks|appreciate|grateful|kudos|great (?:job|work)|"
    r"well done|love (?:it|this|the|how|tasklane|your)|loving|awesome|amazing|fantastic|"
    r"brilliant|superb|shout[- ]?out|a big hand)",
    re.IGNORECASE,
)
_REQUEST = re.compile(
    r"\?|\b(?:can you|could you|would you|will you|please|how (?:do|can|to|does)|help|"
    r"issues?|problems?|errors?|bugs?|broken|fail\w*|crash\w*|not working|doesn'?t|does not|"
    r"didn'?t|can'?t|cannot|won'?t|unable|refund\w*|cancel\w*|charg\w*|invoices?|but|however|"
    r"though|still|why|when will|wish|would be (?:nice|great|good)|feature request|missing|"
    r"instead|urgent|asap|needs?|wants?|unfortunately|disappoint\w*|frustrat\w*)\b",
    re.IGNORECASE,
)
MAX_WORDS = 120


def is_gratitude(subject: str, message: str) -> bool:
    """True when the message thanks or praises and asks for nothing."""
    text = f"{subject}\n{message}"
    return (len(text.split()) <= MAX_WORDS and bool(_THANKS.search(text))
            and not _REQUEST.search(text))


def thanks_reply(customer: Customer | None) -> Draft:
    name = customer.first_name if customer else ""
    reply = "\n\n".join([
        f"Hi {name}," if name else "Hi there,",
        "Thank you so much for taking the time to write — it's great to hear, and I've "
        "passed your kind words on to the team.",
        "Whenever you need anything, just reply to this message.",
        "Best regards,\nTasklane Support",
    ])
    return Draft(reply=reply, citations=[], claims=[])
