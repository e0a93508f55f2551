"""When a human must approve the outcome before it reaches the customer. Pure and typed."""

from __future__ import annotations

from orchestrator.engines.base import Customer, Triage

# Below this triage confidence the category (and so the answer) may be wrong.
MIN_CONFIDENCE = 0.5
# A draft that failed quality this many times goes to a human instead of a third attempt.
MAX_REVIEW_FAILURES = 2


def needs_approval(triage: Triage, customer: Customer | None, review_failures: int) -> list[str]:
    """The reasons a human must approve; an empty list means the reply may go out."""
    reasons: list[str] = []
    if triage.priority == "urgent":
        reasons.append("priority is urgent")
    if "security" in triage.signals:
        reasons.append("security matter")
    if "legal" in triage.signals:
        reasons.append("legal matter")
    if customer is not None and triage.sentiment == "negative":
        if customer.vip:
            reasons.append("unhappy VIP customer")
        elif customer.tier == "enterprise":
            reasons.append("unhappy enterprise customer")
    if triage.confidence < MIN_CONFIDENCE:
        reasons.append(f"low triage confidence ({triage.confidence:.2f} < {MIN_CONFIDENCE})")
    money = [s for s in ("refund", "credit") if s in triage.signals]
    if money:
        reasons.append(f"money back requested ({', '.join(money)})")
    if review_failures >= MAX_REVIEW_FAILURES:
        reasons.append(f"the draft failed quality review {review_failures} times")
    return reasons
