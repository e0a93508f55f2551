"""Deterministic checks on a draft reply: length, tone, other people's PII, citation format.

Every engine's review runs these locally (PII is never left to an LLM); the offline engine adds
a lexical grounding check, the provider engines a model's judgement of grounding. Each issue
starts with the aspect it is about ('length:', 'tone:', 'pii:', 'citations:', 'grounding:') so
a drafter can act on it.
"""

from __future__ import annotations

import re

from orchestrator.citations import markers_in, split_sources
from orchestrator.domain import Customer, Draft, Passage
from orchestrator.pii import find_pii, normalised_value

MIN_REPLY_CHARS = 200
MAX_REPLY_CHARS = 1800
SUPPORT_DOMAIN = "tasklane.example"

TOO_SHORT = "length: the reply is too short"
TOO_LONG = "length: the reply is too long"
# Blame, condescension and rudeness a support reply must never contain.
_RUDE = re.compile(
    r"\b(?:stupid|idiot\w*|dumb|moron\w*|incompetent|ridiculous|pathetic|shut up|calm down|"
    r"your (?:own )?fault|you should have|you failed to|as i (?:already )?(?:said|told you)|"
    r"obviously|clearly you|not our problem|deal with it|whatever|read the manual|rtfm|"
    r"you people|useless|lazy|nonsense|how hard can it be)\b",
    re.IGNORECASE,
)


def length_issues(reply: str) -> list[str]:
    size = len(reply.strip())
    if size < MIN_REPLY_CHARS:
        return [f"{TOO_SHORT} ({size} characters; write at least {MIN_REPLY_CHARS})"]
    if size > MAX_REPLY_CHARS:
        return [f"{TOO_LONG} ({size} characters; keep it under {MAX_REPLY_CHARS})"]
    return []


def tone_issues(reply: str) -> list[str]:
    found = sorted({match.group().lower() for match in _RUDE.finditer(reply)})
    if not found:
        return []
    return [f"tone: remove blaming or rude wording ({', '.join(repr(w) for w in found)})"]


def _allowed_values(customer: Customer | None, passages: list[Passage]) -> set[str]:
    """The customer's own contact details and whatever the cited articles publish."""
    allowed: set[str] = set()
    if customer is not None:
        if customer.email:
            allowed.add(normalised_value("email", customer.email))
        if customer.phone:
            allowed.add(normalised_value("phone", customer.phone))
    for passage in passages:
        for span in find_pii(passage.text):
            allowed.add(normalised_value(span.kind, passage.text[span.start : span.end]))
    return allowed


def pii_issues(reply: str, customer: Customer | None, passages: list[Passage]) -> list[str]:
    found = find_pii(reply)
    if not found:  # the usual case: no need to read what the sources allow
        return []
    allowed = _allowed_values(customer, passages)
    kinds: set[str] = set()
    for span in found:
        value = reply[span.start : span.end]
        if span.kind == "card":
            kinds.add("card number")
            continue
        if span.kind == "email" and value.lower().endswith(SUPPORT_DOMAIN):
            continue
        if normalised_value(span.kind, value) not in allowed:
            kinds.add("email address" if span.kind == "email" else "phone number")
    # Name the kind only: the value itself must not travel into logs or feedback.
    return [f"pii: remove the {kind} that is not the customer's own" for kind in sorted(kinds)]


def citation_issues(draft: Draft) -> list[str]:
    body, sources = split_sources(draft.reply)
    issues: list[str] = []
    markers = set(markers_in(body))
    count = len(draft.citations)
    if count and not sources:
        issues.append("citations: end the reply with a 'Sources:' list")
    unknown = sorted(n for n in markers if not 1 <= n <= count)
    if unknown:
        issues.append(f"citations: markers {unknown} have no matching source")
    unused = [n for n in range(1, count + 1) if n not in markers]
    if unused:
        issues.append(f"citations: sources {unused} are listed but never cited")
    cited_uris = {citation.uri for citation in draft.citations}
    if any(claim.uri not in cited_uris for claim in draft.claims):
        issues.append("citations: every claim must rest on a listed source")
    return issues


def local_issues(draft: Draft, customer: Customer | None, passages: list[Passage]) -> list[str]:
    """Every deterministic check, in a stable order."""
    return [
        *length_issues(draft.reply),
        *tone_issues(draft.reply),
        *pii_issues(draft.reply, customer, passages),
        *citation_issues(draft),
    ]
