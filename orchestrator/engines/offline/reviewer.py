"""Rule-based quality review: grounding by shared content words, plus the local checks.

A claim is grounded when most of its content words appear in the passage it cites. That is
exact for the extractive composer and strict for any paraphrase, which is the point: the
offline engine cannot judge meaning, so it only lets through what the sources literally say.
"""

from __future__ import annotations

from orchestrator.domain import Passage, Review, ReviewRequest
from orchestrator.engines.offline.sentences import content_words
from orchestrator.draft_checks import local_issues

# Share of a claim's content words that must appear in its cited passage.
GROUNDED_AT = 0.8


def source_words(passages: list[Passage]) -> set[str]:
    """The content words of one cited source: its passages' titles, headings and text."""
    return set().union(*(content_words(f"{p.title} {p.heading} {p.text}") for p in passages))


def claim_support(claim_text: str, source: set[str]) -> float:
    """Share of the claim's content words found in the source it cites."""
    words = content_words(claim_text)
    if not source or not words:
        return 0.0
    return len(words & source) / len(words)


def review(req: ReviewRequest) -> Review:
    by_uri: dict[str, list[Passage]] = {}
    for passage in req.passages:
        by_uri.setdefault(passage.uri, []).append(passage)
    issues: list[str] = []
    claims = req.draft.claims
    # Several claims cite one source: read each cited source's words once.
    sources = {uri: source_words(by_uri[uri]) for uri in {claim.uri for claim in claims}
               if uri in by_uri}
    supported = 0
    for number, claim in enumerate(claims, start=1):
        if claim_support(claim.text, sources.get(claim.uri, set())) >= GROUNDED_AT:
            supported += 1
        else:
            issues.append(
                f"grounding: claim {number} is not supported by its cited source; "
                "rephrase it from the source or drop it"
            )
    if not claims:
        issues.append("grounding: the reply answers nothing from the knowledge base")
    issues.extend(local_issues(req.draft, req.customer, req.passages))
    ratio = supported / len(claims) if claims else 0.0
    return Review(passed=not issues, issues=issues, grounded_ratio=round(ratio, 4))
