"""The orchestrator's domain: who the customer is, what triage found, the passages, the draft
and its review — what the graph's agents pass between them and every engine takes and returns."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Tier = Literal["free", "pro", "business", "enterprise"]
Priority = Literal["low", "normal", "high", "urgent"]
Sentiment = Literal["negative", "neutral", "positive"]
Signal = Literal[
    "refund",
    "credit",
    "cancellation",
    "security",
    "legal",
    "outage",
    "data_loss",
    "urgent_cue",
    "privacy",
    "account_deletion",
    "threat",
    "callback",
]
PRIORITIES: tuple[Priority, ...] = ("low", "normal", "high", "urgent")
# The knowledge base's categories (servers/kb demo articles); triage picks one of these.
KB_CATEGORIES: tuple[str, ...] = (
    "billing",
    "account",
    "bugs",
    "integrations",
    "outages",
    "security",
    "plans",
    "data-export",
    "feature-requests",
)


class Customer(BaseModel):
    id: str = Field(description="Customer id, e.g. 'C-000001'.")
    name: str = Field(
        default="", description="Full name; replies greet the first name ('Hi there,' without)."
    )
    tier: Tier = Field(default="free", description="Support tier: free, pro, business, enterprise.")
    vip: bool = Field(default=False, description="VIP customers get extra care.")
    locale: str = Field(default="en-US", description="Preferred language/region, e.g. 'en-GB'.")
    email: str | None = Field(
        default=None, description="The customer's own email: a reply may repeat it."
    )
    phone: str | None = Field(
        default=None, description="The customer's own phone: a reply may repeat it."
    )
    new: bool = Field(
        default=False, description="First contact: the CRM created them for this request."
    )

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else ""


class PiiFinding(BaseModel):
    """Where personal data sits in the original message; the value itself is never kept."""

    kind: Literal["email", "phone", "card"] = Field(description="What was found.")
    start: int = Field(ge=0, description="Offset of the first character in the message.")
    end: int = Field(ge=0, description="Offset just past the last character.")


class TriageRequest(BaseModel):
    subject: str = Field(default="", description="Subject line of the request ('' if none).")
    message: str = Field(description="The customer's message, as written.")
    customer: Customer | None = Field(default=None, description="Who wrote it, if known.")
    history: list[str] = Field(
        default_factory=list, description="Earlier messages of this conversation, oldest first."
    )
    language: str = Field(
        default="en", description="ISO 639-1 code of the language it is written in."
    )


class Triage(BaseModel):
    category: str = Field(description="Knowledge-base category slug, e.g. 'billing'.")
    priority: Priority = Field(description="low, normal, high or urgent.")
    sentiment: Sentiment = Field(description="negative, neutral or positive.")
    sentiment_score: float = Field(ge=-1, le=1, description="-1 (angry) .. 1 (delighted).")
    pii: list[PiiFinding] = Field(default_factory=list, description="Personal data found.")
    redacted_message: str = Field(description="The message with PII replaced by [email] etc.")
    confidence: float = Field(ge=0, le=1, description="How sure the category is, 0..1.")
    signals: list[Signal] = Field(
        default_factory=list, description="Risk and urgency cues found, e.g. 'refund'."
    )
    reasons: list[str] = Field(
        default_factory=list, description="Short human-readable reasons for the verdict."
    )
    language: str = Field(
        default="en", description="ISO 639-1 code of the language the customer wrote in."
    )
    gratitude: bool = Field(
        default=False,
        description="The message only thanks or praises: it gets a short, warm reply.",
    )
    questions: list[str] = Field(
        default_factory=list,
        description="The separate questions the message asks, in order (one: it asks one "
        "thing).",
    )


class Passage(BaseModel):
    article_id: str = Field(description="Id of the article the passage comes from.")
    title: str = Field(description="Article title.")
    heading: str = Field(default="", description="Section heading ('' if none).")
    text: str = Field(description="The passage text.")
    uri: str = Field(description="Citation URI: kb://articles/{id}.")
    url: str | None = Field(default=None, description="The article's public page, if any.")
    score: float = Field(default=0.0, description="Retrieval score; higher is better.")
    category: str = Field(default="", description="Article category, when the search knows it.")
    part: int = Field(
        default=0, ge=0, description="Which of the reply's questions it was found for (0-based)."
    )
    beside_match: bool = Field(
        default=False,
        description="The article's whole text, read beside the passage search matched: a "
        "source of steps, not a measure of how well the article matches.",
    )


class Citation(BaseModel):
    uri: str = Field(description="kb://articles/{id}.")
    article_id: str = Field(description="Article id.")
    title: str = Field(description="Article title.")
    url: str | None = Field(default=None, description="The article's public page, if any.")


class Claim(BaseModel):
    text: str = Field(description="One factual sentence of the reply, without its marker.")
    uri: str = Field(description="URI of the passage that supports it.")


class DraftRequest(BaseModel):
    message: str = Field(description="The customer's message (redacted).")
    customer: Customer | None = Field(default=None, description="Who to address.")
    triage: Triage = Field(description="The triage verdict.")
    passages: list[Passage] = Field(description="Retrieved passages, most relevant first.")
    questions: list[str] = Field(
        default_factory=list,
        description="The questions to answer in turn, each with the passages of its part; "
        "fewer than two: answer the message as one question.",
    )
    feedback: list[str] = Field(
        default_factory=list, description="Issues from a failed review to fix in this draft."
    )


class Draft(BaseModel):
    reply: str = Field(description="The reply, with [n] markers and a 'Sources:' list at the end.")
    citations: list[Citation] = Field(description="Sources in marker order: [1] is the first.")
    claims: list[Claim] = Field(description="Each factual sentence and the passage it rests on.")
    unanswered: list[str] = Field(
        default_factory=list,
        description="Questions of the request no passage answers: a colleague follows up.",
    )


class ReviewRequest(BaseModel):
    draft: Draft
    passages: list[Passage] = Field(description="The passages the draft was written from.")
    customer: Customer | None = None
    triage: Triage


class Review(BaseModel):
    passed: bool = Field(description="True when the draft may be sent as is.")
    issues: list[str] = Field(default_factory=list, description="What to fix, one per line.")
    grounded_ratio: float = Field(
        ge=0, le=1, description="Share of claims supported by their cited passage."
    )
