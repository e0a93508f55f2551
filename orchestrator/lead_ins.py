"""Passages that only announce what follows ("…try these fixes in order."): search returns an
article's best section, and for an introduction that is the lead-in, not the fixes."""

from __future__ import annotations

import re

_LEAD_IN = re.compile(r"(?:\b(?:below|in order|as follows)[.!]?|:)$", re.IGNORECASE)
# About one search chunk: enough for the first of the announced steps.
FOLLOWING_CHARS = 900


def _last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1].strip() if lines else ""


def announces_more(text: str) -> bool:
    """Whether the passage's last line points at what comes after it."""
    last = _last_line(text)
    return bool(last) and is_lead_in(last)


def is_lead_in(sentence: str) -> bool:
    """Whether a sentence only announces what follows it: not a step on its own."""
    return bool(_LEAD_IN.search(sentence.strip()))


def what_follows(body: str, passage: str) -> str:
    """The article text right after ``passage`` (whole lines, about one chunk); empty when the
    passage's last line is not in the body or nothing follows it."""
    last = _last_line(passage)
    at = body.find(last)
    if not last or at < 0:
        return ""
    following = body[at + len(last):].lstrip("\n")
    if len(following) <= FOLLOWING_CHARS:
        return following.strip()
    cut = following.rfind("\n", 0, FOLLOWING_CHARS)
    return following[: cut if cut > 0 else FOLLOWING_CHARS].strip()
