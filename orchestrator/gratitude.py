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
# What was thanked for is no request: "thanks for the quick help", "you fixed the sync bug".
_THANKED_FOR = re.compile(
    r"\b(?:(?:the|your|quick|fast|kind) help|help(?:ing)? (?:me|us) (?:out|with)|"
    r"(?:fixed|fixing|solved|solving|sorted|sorting(?: out)?|resolved|resolving) (?:the |my |our |"
    r"that |this )?(?:\w+ )?(?:bugs?|issues?|problems?|errors?))",
    re.IGNORECASE,
)
# A reply's subject ("Re: invoice") names the old thread, not something asked now.
_REPLY_SUBJECT = re.compile(r"^\s*(?:re|aw|sv|antw)\s*:", re.IGNORECASE)
MAX_WORDS = 120


def is_gratitude(subject: str, message: str) -> bool:
    """True when the message thanks or praises and asks for nothing."""
    text = f"{'' if _REPLY_SUBJECT.match(subject) else subject}\n{message}"
    if len(text.split()) > MAX_WORDS or not _THANKS.search(text):
        return False
    return not _REQUEST.search(_THANKED_FOR.sub(" ", text))


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
