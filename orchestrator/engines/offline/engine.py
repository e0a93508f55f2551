"""The offline engine: deterministic, no network — the default (``SUPPORTDESK_LLM=offline``)."""

from __future__ import annotations

import anyio.to_thread

from embeddings import Embedder
from orchestrator.domain import (
    Draft,
    DraftRequest,
    PiiFinding,
    Review,
    ReviewRequest,
    Triage,
    TriageRequest,
)
from orchestrator.engines.offline import priority, reviewer, sentiment
from orchestrator.engines.offline.classifier import CentroidClassifier
from orchestrator.engines.offline.composer import ExtractiveComposer
from orchestrator.engines.offline.glossary import glossed
from orchestrator.engines.offline.sentences import content_words
from orchestrator.message_text import own_subject
from orchestrator.pii import find_pii, redact
from orchestrator.signals import find_signals

# Messages with fewer content words than this borrow the previous message for their category
# ("still not working!"), unless their own words already score this well for one: "Can I
# change the email on my account?" names its subject and is not a follow-up.
TERSE_WORDS = 4
NAMES_ITS_SUBJECT = 0.4
# Words that say something is wrong without saying what; a message of only these (and a
# placeholder subject) names nothing to research, and its category's confidence is cut.
TROUBLE_WORDS = frozenset({
    "work", "doesnt", "doesn't", "fix", "broken", "problem", "issue", "help", "wrong", "bug",
    "error", "again", "anything", "nothing", "thing", "stuff", "app", "urgent", "asap", "now",
    "today", "anyone", "someone", "sort", "ok", "okay", "hey", "team", "support",
})
VAGUE_SHARE = 0.5


class OfflineEngine:
    """Embedding classifier and rules for triage, an extractive composer, a rule reviewer.

    The embedder is injected (WordLlama in production; tests may pass any ``Embedder``).
    Embedding is CPU work, so each call runs in a worker thread.
    """

    name = "offline"
    # Its replies are sentences of the (English) help center and English templates.
    reply_languages = frozenset({"en"})

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self.classifier = CentroidClassifier(embedder)
        self.composer = ExtractiveComposer(embedder)

    async def triage(self, req: TriageRequest) -> Triage:
        return await anyio.to_thread.run_sync(self.triage_now, req)

    async def draft(self, req: DraftRequest) -> Draft:
        return await anyio.to_thread.run_sync(self.composer.compose, req)

    async def review(self, req: ReviewRequest) -> Review:
        return reviewer.review(req)

    async def aclose(self) -> None:
        """Nothing to release; here so every engine can be closed the same way."""

    def triage_now(self, req: TriageRequest) -> Triage:
        spans = find_pii(req.message)
        redacted = redact(req.message, spans)
        subject = redact(own_subject(req.subject))  # not a mail client's "(no subject)"
        text = "\n".join(part for part in (subject, redacted) if part.strip())
        # A terse follow-up ("still broken") is classified with the message it follows.
        earlier = redact(req.history[-1]) if req.history else ""
        # The classifier knows English: other languages are read through a glossary.
        read = text if req.language == "en" else glossed(text)
        classification = self.classifier.classify(read)
        if (earlier and len(content_words(text)) < TERSE_WORDS
                and max(classification.scores.values()) < NAMES_ITS_SUBJECT):
            classification = self.classifier.classify(f"{earlier}\n{read}")
        # A message naming nothing but trouble ("it doesn't work. please fix") could be about
        # anything: whatever it is classified as, from its wording or an earlier ticket, is a
        # guess, and a guess is not confident enough to answer on.
        vague = not content_words(f"{own_subject(req.subject)}\n{redacted}") - TROUBLE_WORDS
        confidence = classification.confidence * (VAGUE_SHARE if vague else 1.0)
        feeling = sentiment.analyse(text)
        signals = find_signals(text)
        level, priority_reasons = priority.assess(
            text, classification.category, signals, req.customer, feeling.label
        )
        keywords = classification.keywords.get(classification.category, [])
        reasons = [
            f"category {classification.category} (confidence {confidence:.2f}"
            + (f"; keywords: {', '.join(keywords)}" if keywords else "")
            + ("; the message names nothing specific)" if vague else ")"),
            *(f"priority {reason}" for reason in priority_reasons),
            f"sentiment {feeling.label} ({feeling.score:+.2f})"
            + (f": {', '.join(feeling.cues[:5])}" if feeling.cues else ""),
        ]
        if spans:
            kinds = sorted({span.kind for span in spans})
            reasons.append(f"personal data redacted: {', '.join(kinds)}")
        return Triage(
            category=classification.category,
            priority=level,
            sentiment=feeling.label,
            sentiment_score=feeling.score,
            pii=[PiiFinding(kind=s.kind, start=s.start, end=s.end) for s in spans],
            redacted_message=redacted,
            confidence=round(confidence, 4),
            signals=signals,
            reasons=reasons,
        )
