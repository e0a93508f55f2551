"""Evaluate the offline engine on realistic support requests over the demo help center.

    python -m bench.eval_engine            # figures, each beside a baseline from the same run
    python -m bench.eval_engine --misses   # also list every miss

For each request in bench/eval/requests.jsonl: triage, a real knowledge-base search over the 72
demo articles (the research step), a draft, a review (and one redraft with the review's
feedback when it fails, as the graph does), then the approval policy. Scores: category,
priority and route accuracy, and how often the article that answers the request is cited.

Targets (issue 5, offline): category >= 90%, route >= 90%, answering article cited >= 85%.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from embeddings.wordllama_embedder import WordLlamaEmbedder
from orchestrator.domain import Customer, DraftRequest, Passage, ReviewRequest, TriageRequest
from orchestrator.engines.offline import OfflineEngine
from orchestrator.engines.offline.classifier import keyword_only_category
from orchestrator.policy import needs_approval
from servers.kb.chunking import chunk_article
from servers.kb.ingest import load_demo_if_empty
from servers.kb.service import KnowledgeBase
from servers.kb.wiring import knowledge_base

REQUESTS = Path(__file__).parent / "eval" / "requests.jsonl"
SEARCH_LIMIT = 5
EXPANDED_ARTICLES = 3
TARGETS = {"category": 0.90, "route": 0.90, "cited": 0.85}


@dataclass
class Outcome:
    item: dict
    category: str
    priority: str
    route: str
    cited: list[str]
    top_hit: str | None
    review_failures: int
    approval_reasons: list[str]


def load_requests(path: Path = REQUESTS) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def customer_for(index: int, item: dict) -> Customer:
    return Customer(
        id=f"C-EVAL-{index:04d}",
        name=item.get("customer_name") or "Sam Taylor",
        tier=item["customer_tier"],
        vip=item["vip"],
    )


async def research(
    kb: KnowledgeBase, subject: str, redacted_message: str, mode: str = "search"
) -> list[Passage]:
    """What the graph's research step is assumed to do.

    ``search``: one hybrid search on the subject and the redacted message — the best passage
    of each of the top articles. ``sections``: the same, plus every other section of the top
    ``EXPANDED_ARTICLES`` articles (read in full), so the answer is there even when the best
    matching passage is an article's introduction.
    """
    query = "\n".join(part for part in (subject, redacted_message) if part)
    hits = (await kb.search("demo", query, limit=SEARCH_LIMIT)).hits
    passages: list[Passage] = []
    for rank, hit in enumerate(hits):
        best = Passage.model_validate(hit.model_dump())
        passages.append(best)
        if mode == "sections" and rank < EXPANDED_ARTICLES:
            article = await kb.get("demo", hit.article_id)
            passages.extend(
                best.model_copy(update={"heading": c.heading, "text": c.text, "score": 0.0})
                for c in chunk_article(article.body, max_chars=kb.chunk_chars)
                if c.text != hit.text
            )
    return passages


async def run_one(
    engine: OfflineEngine, kb: KnowledgeBase, index: int, item: dict, mode: str
) -> Outcome:
    customer = customer_for(index, item)
    triage = await engine.triage(
        TriageRequest(subject=item["subject"], message=item["message"], customer=customer)
    )
    passages = await research(kb, item["subject"], triage.redacted_message, mode)
    request = DraftRequest(
        message=triage.redacted_message, customer=customer, triage=triage, passages=passages
    )
    failures = 0
    draft = await engine.draft(request)
    review = await engine.review(
        ReviewRequest(draft=draft, passages=passages, customer=customer, triage=triage)
    )
    if not review.passed:
        failures += 1
        draft = await engine.draft(request.model_copy(update={"feedback": review.issues}))
        review = await engine.review(
            ReviewRequest(draft=draft, passages=passages, customer=customer, triage=triage)
        )
        failures += 0 if review.passed else 1
    reasons = needs_approval(triage, customer, failures)
    return Outcome(
        item=item,
        category=triage.category,
        priority=triage.priority,
        route="approval" if reasons else "resolved",
        cited=[c.article_id for c in draft.citations],
        top_hit=passages[0].article_id if passages else None,
        review_failures=failures,
        approval_reasons=reasons,
    )


async def evaluate_with(
    kb: KnowledgeBase, engine: OfflineEngine, requests: list[dict], mode: str = "search"
) -> list[Outcome]:
    return [await run_one(engine, kb, i, item, mode) for i, item in enumerate(requests)]


async def evaluate(requests: list[dict], mode: str = "search") -> list[Outcome]:
    """Build the demo knowledge base in a temporary directory and run every request."""
    embedder = WordLlamaEmbedder()
    with tempfile.TemporaryDirectory() as data_dir:
        kb = knowledge_base(Path(data_dir), embedder)
        await kb.open()
        try:
            await load_demo_if_empty(kb, "demo")
            await kb.store.refresh_indexes()
            return await evaluate_with(kb, OfflineEngine(embedder), requests, mode)
        finally:
            await kb.close()


@dataclass
class Scores:
    category: float
    priority: float
    route: float
    cited: float


def _share(flags) -> float:
    flags = list(flags)
    return sum(flags) / len(flags) if flags else 0.0


def _answerable(outcomes: list[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if o.item["answering_article"]]


def scores(outcomes: list[Outcome]) -> Scores:
    return Scores(
        category=_share(o.category == o.item["expected_category"] for o in outcomes),
        priority=_share(o.priority == o.item["expected_priority"] for o in outcomes),
        route=_share(o.route == o.item["expected_route"] for o in outcomes),
        cited=_share(o.item["answering_article"] in o.cited for o in _answerable(outcomes)),
    )


def baselines(outcomes: list[Outcome]) -> tuple[Scores, dict[str, str]]:
    """Simple predictors measured on the same requests, to set each figure beside."""

    def majority(field: str) -> str:
        return Counter(o.item[field] for o in outcomes).most_common(1)[0][0]

    category, priority, route = (
        majority("expected_category"),
        majority("expected_priority"),
        majority("expected_route"),
    )
    measured = Scores(
        category=_share(
            keyword_only_category(f"{o.item['subject']}\n{o.item['message']}", category)
            == o.item["expected_category"]
            for o in outcomes
        ),
        priority=_share(o.item["expected_priority"] == priority for o in outcomes),
        route=_share(o.item["expected_route"] == route for o in outcomes),
        cited=_share(o.item["answering_article"] == o.top_hit for o in _answerable(outcomes)),
    )
    names = {
        "category": "keyword rules only",
        "priority": f"always {priority!r}",
        "route": f"always {route!r}",
        "cited": "cite the top search hit",
    }
    return measured, names


def _misses(outcome: Outcome) -> list[str]:
    item, problems = outcome.item, []
    for field in ("category", "priority", "route"):
        if getattr(outcome, field) != item[f"expected_{field}"]:
            problems.append(f"{field} {getattr(outcome, field)} != {item[f'expected_{field}']}")
    if outcome.route != item["expected_route"]:
        problems[-1] += f" {outcome.approval_reasons}"
    if item["answering_article"] and item["answering_article"] not in outcome.cited:
        problems.append(f"cited {outcome.cited} lacks {item['answering_article']}")
    return problems


def report(outcomes: list[Outcome], show_misses: bool) -> bool:
    measured, (baseline, names) = scores(outcomes), baselines(outcomes)
    labels = {
        "category": "category accuracy",
        "priority": "priority accuracy",
        "route": "route accuracy",
        "cited": "answering article cited",
    }
    total, answerable = len(outcomes), len(_answerable(outcomes))
    print(f"offline engine on {total} requests ({answerable} with an answering article)\n")
    met = True
    for field, label in labels.items():
        value, base = getattr(measured, field), getattr(baseline, field)
        ratio = f"{value / base:4.2f}x" if base else "n/a"
        line = f"{label:<24} {value:6.1%}   baseline {base:6.1%} ({names[field]}), ratio {ratio}"
        if field in TARGETS:
            met &= value >= TARGETS[field]
            line += f"; target >= {TARGETS[field]:.0%}: "
            line += "met" if value >= TARGETS[field] else "MISSED"
        print(line)
    first = _share(o.review_failures == 0 for o in outcomes)
    print(f"{'review passed first time':<24} {first:6.1%}")
    routed = sum(o.route == "approval" for o in outcomes)
    expected = sum(o.item["expected_route"] == "approval" for o in outcomes)
    print(f"{'routed to approval':<24} {routed} of {total} (expected {expected})")
    if show_misses:
        print("\nmisses:")
        for outcome in outcomes:
            if problems := _misses(outcome):
                print(f"  {outcome.item['id']}: " + "; ".join(problems))
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=Path, default=REQUESTS, help="JSONL dataset")
    parser.add_argument("--misses", action="store_true", help="list every miss")
    parser.add_argument(
        "--research",
        choices=["search", "sections"],
        default="search",
        help="what the research step hands the drafter (see research())",
    )
    args = parser.parse_args(argv)
    print(f"research: {args.research}")
    outcomes = asyncio.run(evaluate(load_requests(args.requests), args.research))
    return 0 if report(outcomes, args.misses) else 1


if __name__ == "__main__":
    sys.exit(main())
