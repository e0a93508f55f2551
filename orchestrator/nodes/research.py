"""Research: hybrid knowledge-base search from the subject and the redacted message — one
search per question when the message asks several things — with the section after any hit
that only announces it, and the first article's whole text beside its matched passage."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING

from langgraph.runtime import Runtime

from events.types import RequestResearched
from orchestrator.deps import Deps
from orchestrator.lead_ins import announces_more, what_follows
from orchestrator.nodes.trace import StepTimer, emit, step
from orchestrator.questions import asked
from orchestrator.state import SupportState
from orchestrator.support_records import KbPassage

if TYPE_CHECKING:  # the MCP client stays out of the domain's imports
    from orchestrator.support_tools import SupportTools

PASSAGES = 5
# Per question of a several-question message: its best few, so every part has an answer.
PASSAGES_PER_QUESTION = 4
# Triage confidence from which research ranks the triaged category's articles first.
RANK_CATEGORY_FROM = 0.7


def search_query(state: SupportState) -> str:
    """Subject and message, with PII already redacted: nothing personal leaves for search."""
    parts = [state["request"]["subject"], state["triage"]["redacted_message"]]
    return "\n".join(part for part in parts if part)


def likely_category(triage: dict) -> str | None:
    """The triaged category when triage is sure enough of it to rank it first: a hesitant
    guess (a GDPR erasure request read as a feature request, 0.59) would crowd the first
    articles with the wrong category."""
    if triage.get("confidence", 0.0) >= RANK_CATEGORY_FROM:
        return triage.get("category") or None
    return None


def by_answer(
    questions: list[str], hits: Sequence[list[KbPassage]]
) -> tuple[list[str], list[KbPassage]]:
    """Questions whose best article is the same are one question ("Does the trial need a
    card? What happens when it ends?"); each passage is tagged with the question it serves."""
    merged: list[str] = []
    passages: list[KbPassage] = []
    part_of_article: dict[str, int] = {}
    for question, found in zip(questions, hits, strict=True):
        if not found:
            continue
        top = found[0]["article_id"]
        part = part_of_article.setdefault(top, len(merged))
        if part == len(merged):
            merged.append(question)
            passages.extend({**hit, "part": part} for hit in found)
        else:
            merged[part] = f"{merged[part]} {question}"
    return merged, passages


async def read_further(tools: SupportTools, passages: list[KbPassage],
                       known: dict[str, str]) -> list[KbPassage]:
    """Each passage that ends by announcing steps ("…try these fixes in order.") continued
    with the article text that follows it, where the steps are; and the whole text of each
    question's first article beside its matched passage: an agent reads the article through,
    and a step is often in a section beside the one search matched ("how long do we have?"
    matches the introduction; the 30 days are further down). ``known``: bodies the searches
    brought (each one's first article); any other article is fetched, once."""
    firsts: dict[int, int] = {}  # each question's first passage (one question: part 0)
    for index, passage in enumerate(passages):
        firsts.setdefault(passage.get("part", 0), index)
    ids = sorted({p["article_id"] for p in passages if announces_more(p["text"])}
                 | {passages[i]["article_id"] for i in firsts.values()})
    if not ids:
        return passages
    missing = [a for a in ids if a not in known]
    bodies = {**known, **dict(zip(
        missing, await asyncio.gather(*(tools.article_body(a) for a in missing)), strict=True))}
    read = [_continued(p, bodies[p["article_id"]]) if announces_more(p["text"]) else p
            for p in passages]
    for index in firsts.values():
        body = bodies[passages[index]["article_id"]]
        if body.strip():
            read.append({**read[index], "text": body, "beside_match": True})
    return read


def _continued(passage: KbPassage, body: str) -> KbPassage:
    following = what_follows(body, passage["text"])
    return {**passage, "text": f"{passage['text']}\n\n{following}"} if following else passage


async def research(state: SupportState, runtime: Runtime[Deps]) -> dict:
    timer = StepTimer()
    tools = runtime.context.tools
    questions = state["triage"].get("questions") or []
    answered: list[str] = []
    passages: list[KbPassage] = []
    bodies: dict[str, str] = {}
    if len(questions) > 1:
        # Unfiltered on purpose: a wrong triage category must not hide the answering article.
        found = await asyncio.gather(*(
            tools.search_kb_reading_first(asked(q), limit=PASSAGES_PER_QUESTION)
            for q in questions
        ))
        answered, passages = by_answer(questions, [hits for hits, _ in found])
        for _, first in found:
            bodies.update(first)
    if len(answered) < 2:  # one question after all: one search on the whole request
        answered = []
        # The triaged category ranks first; were it wrong, the overall best still comes back.
        passages, bodies = await tools.search_kb_reading_first(
            search_query(state), limit=PASSAGES, prefer_category=likely_category(state["triage"]))
    passages = await read_further(tools, passages, bodies)
    uris = list(dict.fromkeys(p["uri"] for p in passages))
    await emit(runtime, state, RequestResearched(
        hits=len(passages), citations=uris,
        top_score=max((p["score"] for p in passages), default=None),
    ))
    summary = f"{len(passages)} passages" + (
        f" for {len(answered)} questions" if answered else ""
    )
    return {
        "passages": passages,
        "questions": answered,
        "decisions": [step("research", summary, timer, uris)],
    }
