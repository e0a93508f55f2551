"""Priority from rules: what is at stake, how urgent the customer says it is, and who asks.

Start at normal. A plain how-to question (asked calmly) or a feature request drops to low.
An outage, a security incident, data loss or a legal matter lifts it to high. An urgency cue
("asap", "production down", "whole team") lifts one step, and so does an enterprise or VIP
customer.
"""

from __future__ import annotations

import re

from orchestrator.domain import PRIORITIES, Customer, Priority, Sentiment, Signal

SEVERE_SIGNALS: tuple[Signal, ...] = ("outage", "security", "data_loss", "legal")
_QUESTION = re.compile(
    r"(?:^|[.!?\n]\s*)(?:how|what|where|when|which|why|who|is|are|do|does|can|could|will|"
    r"would|any|should)\b[^.!?]*\?|\b(?:is it possible|is there a way|how (?:do|can|to))\b",
    re.IGNORECASE,
)
# Something is wrong, or the customer wants an action taken: not a plain question.
_PROBLEM = re.compile(
    r"\b(?:error|fail\w*|broken|can'?t|cannot|couldn'?t|doesn'?t|don'?t|didn'?t|isn'?t|"
    r"aren'?t|won'?t|not (?:working|loading|showing|receiving|getting|arriving)|stopped|"
    r"wrong|missing|stuck|declined|locked|expired|garbled|crash\w*|slow|lost|never|"
    r"disabled|nobody|none of|bug|please (?:delete|update|fix|change|remove|reverse|refund|"
    r"cancel)|charged|keeps?|again)\b",
    re.IGNORECASE,
)


def _step(priority: Priority, by: int) -> Priority:
    index = max(0, min(len(PRIORITIES) - 1, PRIORITIES.index(priority) + by))
    return PRIORITIES[index]


def is_plain_question(text: str) -> bool:
    return bool(_QUESTION.search(text)) and not _PROBLEM.search(text)


def assess(
    text: str,
    category: str,
    signals: list[Signal],
    customer: Customer | None,
    sentiment: Sentiment = "neutral",
) -> tuple[Priority, list[str]]:
    """The priority of a request and the reasons for it."""
    reasons: list[str] = []
    priority: Priority = "normal"
    severe = [s for s in signals if s in SEVERE_SIGNALS]
    if severe:
        priority = "high"
        reasons.append(f"high: {', '.join(severe)}")
    elif category == "feature-requests" or (sentiment != "negative" and is_plain_question(text)):
        priority = "low"
        reasons.append("low: a feature request or how-to question")
    if "urgent_cue" in signals:
        priority = _step(priority, 1)
        reasons.append("one step up: the customer says it is urgent")
    if customer is not None and (customer.vip or customer.tier == "enterprise"):
        priority = _step(priority, 1)
        who = "VIP" if customer.vip else "enterprise"
        reasons.append(f"one step up: {who} customer")
    return priority, reasons
