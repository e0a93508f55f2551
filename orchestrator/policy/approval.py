"""When a human must approve the outcome before it reaches the customer: named rules, each a
condition on the triage, the customer and the review. Pure and typed.

A rule matches when every condition it states holds (a list means any of its values). Its name
is the reason the approval record shows; a name may quote what matched — ``{signals}``,
``{confidence:.2f}``, ``{confidence_below}``, ``{review_failures}``, ``{category}``,
``{priority}``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from orchestrator.domain import Customer, Priority, Sentiment, Signal, Tier, Triage

# Below this triage confidence the category (and so the answer) may be wrong.
MIN_CONFIDENCE = 0.5
# A draft that failed quality this many times goes to a human instead of a third attempt.
MAX_REVIEW_FAILURES = 2


class Condition(BaseModel):
    """What must hold for a rule to match; conditions not given always hold."""

    model_config = ConfigDict(extra="forbid")

    category: list[str] | None = Field(default=None, description="Any of these categories.")
    priority: list[Priority] | None = Field(default=None, description="Any of these.")
    sentiment: list[Sentiment] | None = Field(default=None, description="Any of these.")
    tier: list[Tier] | None = Field(default=None, description="The customer's tier, any of.")
    vip: bool | None = Field(default=None, description="The customer is (not) a VIP.")
    new_customer: bool | None = Field(
        default=None, description="The customer was created by this request (first contact)."
    )
    signals: list[Signal] | None = Field(
        default=None, description="Any of these signals found at triage (refund, legal …)."
    )
    confidence_below: float | None = Field(
        default=None, ge=0, le=1, description="Triage confidence under this."
    )
    review_failures_at_least: int | None = Field(
        default=None, ge=1, description="The draft failed quality review this often."
    )

    def matches(self, triage: Triage, customer: Customer | None, review_failures: int) -> bool:
        checks = [
            self.category is None or triage.category in self.category,
            self.priority is None or triage.priority in self.priority,
            self.sentiment is None or triage.sentiment in self.sentiment,
            self.signals is None or bool(set(self.signals) & set(triage.signals)),
            # A thank-you asks nothing, so there is no category to be unsure of.
            self.confidence_below is None
            or (not triage.gratitude and triage.confidence < self.confidence_below),
            self.review_failures_at_least is None
            or review_failures >= self.review_failures_at_least,
        ]
        if any(v is not None for v in (self.tier, self.vip, self.new_customer)):
            checks += [
                customer is not None,
                customer is not None and (self.tier is None or customer.tier in self.tier),
                customer is not None and (self.vip is None or customer.vip == self.vip),
                customer is not None
                and (self.new_customer is None or customer.new == self.new_customer),
            ]
        return all(checks)


class ApprovalRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200,
                      description="Shown as the reason in the approval record.")
    when: Condition = Field(description="What must hold for a human to approve.")

    def reason(self, triage: Triage, review_failures: int) -> str:
        facts: dict[str, Any] = {
            "signals": ", ".join(s for s in self.when.signals or () if s in triage.signals),
            "confidence": triage.confidence,
            "confidence_below": self.when.confidence_below,
            "review_failures": review_failures,
            "category": triage.category,
            "priority": triage.priority,
        }
        try:
            return self.name.format_map(facts)
        except (KeyError, ValueError, IndexError):
            return self.name


BUILT_IN_RULES: tuple[ApprovalRule, ...] = tuple(
    ApprovalRule(name=name, when=Condition(**when))
    for name, when in (
        ("priority is urgent", {"priority": ["urgent"]}),
        ("security matter", {"signals": ["security"]}),
        ("legal matter", {"signals": ["legal"]}),
        ("unhappy VIP customer", {"sentiment": ["negative"], "vip": True}),
        ("unhappy enterprise customer",
         {"sentiment": ["negative"], "vip": False, "tier": ["enterprise"]}),
        ("low triage confidence ({confidence:.2f} < {confidence_below})",
         {"confidence_below": MIN_CONFIDENCE}),
        ("money back requested ({signals})", {"signals": ["refund", "credit"]}),
        ("the draft failed quality review {review_failures} times",
         {"review_failures_at_least": MAX_REVIEW_FAILURES}),
        ("privacy request (data protection rights)", {"signals": ["privacy"]}),
        ("account deletion requested", {"signals": ["account_deletion"]}),
        ("the customer threatens escalation ({signals})", {"signals": ["threat"]}),
        ("the customer asks to be called back", {"signals": ["callback"]}),
    )
)


def needs_approval(
    triage: Triage,
    customer: Customer | None,
    review_failures: int,
    rules: tuple[ApprovalRule, ...] | list[ApprovalRule] = BUILT_IN_RULES,
) -> list[str]:
    """The reasons a human must approve, one per matching rule; empty: the reply may go out."""
    return [rule.reason(triage, review_failures) for rule in rules
            if rule.when.matches(triage, customer, review_failures)]
