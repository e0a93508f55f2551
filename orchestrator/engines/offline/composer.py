"""An extractive reply: the help center's own sentences, numbered, each cited.

The composer reads the passages of the best few articles (one or several passages each), scores
every sentence against the customer's message (embedding similarity plus shared content words),
picks the article that answers best — and a second one when it is nearly as good — and lifts 2-4
sentences (up to six for a procedure, below) from them in reading order, no more than two from
one section while others have steps to give (an article of several fixes gives more than its
first); a numbered procedure that fits is given whole, from its first step, when its step is the
best sentence. Asked "how do I…" (in each question of several too), the answering article's
procedure is the reply when one of its steps is nearly the best sentence or when the article's
title is what was asked, up to six sentences (four in a question of several, and no more than
the usual steps in a reply asked to be shorter). Within the same allowance a later step comes
with the steps before it ("Choose a reason and confirm." alone does not say where), unless it is
a fix of its own ("Update the app."); otherwise it is left out. Which article answers is judged
on its best sentence: in the passages search matched or, a little lower, in the article's whole
text when research read it. Nothing is paraphrased (only a leading "Or"/"And"/"But" is dropped,
and a troubleshooting item's bold case is said as its condition: "If the link has expired: Links
are valid…"), so every step is grounded in the passage it cites. Deterministic.

A request of several questions is answered in turn: each question under its own line, from the
passages research found for it, and a question nothing answers is said to be followed up.

What the composer reads of a passage (its sentences, their words and vectors) depends on the
passage alone, so it is kept for the passages seen most recently: the help center's answers
repeat from one request to the next, and only the customer's message is new each time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from embeddings import Embedder
from orchestrator.citations import citation_for, render_sources
from orchestrator.domain import Claim, Draft, DraftRequest, Passage
from orchestrator.engines.offline.sentences import content_words, procedures, sections
from orchestrator.draft_checks import MAX_REPLY_CHARS, TOO_LONG, TOO_SHORT
from orchestrator.questions import asked, asking_sentences, without_label

ARTICLES_READ = 5  # every article research keeps: the fifth used to be fetched, never read
MAX_SOURCES = 2
MIN_STEPS = 2
MAX_STEPS = 4
OVERLAP_WEIGHT = 0.35
# Shared words count against at least this many message words: a two-word message
# shouldn't make every sentence containing one of them look like the answer.
OVERLAP_FLOOR = 4
# Sentences that point to another article make weak steps.
POINTER_PENALTY = 0.15
# Retrieval order, the triaged category and the title's fit all count towards an article.
RANK_PRIOR = 0.2
CATEGORY_BONUS = 0.1
TITLE_WEIGHT = 0.5
SECOND_SOURCE_MARGIN = 0.2
# Below this best-sentence score nothing retrieved speaks to the message: say so instead.
MIN_RELEVANCE = 0.3
# A sentence outside the section search matched must be this much better to be a step.
BESIDE_MATCH_PENALTY = 0.1
# A step whose content words are this much inside an earlier step's repeats it.
REPEAT_SHARE = 0.7
# At most this many steps from one section: an article of several fixes gives each its turn.
STEPS_PER_SECTION = 2
# "How do I…" asks for something to follow: the answering article's numbered procedure is
# the reply, whole, when one of its steps is this close to the article's best sentence (or the
# article's title is what was asked).
_HOW_TO = re.compile(r"\bhow (?:do|can|should|would|to)\b", re.IGNORECASE)
PROCEDURE_MARGIN = 0.06
# Asked for, a procedure is given whole up to this many sentences, more than a reply's usual
# steps: its steps can't be followed apart.
PROCEDURE_SENTENCES = 6
# A later step of a numbered list that starts so is a fix of its own ("Update the app.", "Check
# that the app has network access…"), not a step that leans on the ones before it.
_STANDS_ALONE = re.compile(
    r"(?:check|make sure|update|try|reload|restart|reinstall|clear|sign out|wait|ask|contact|"
    r"email|look|pull|turn off|disable)\b", re.IGNORECASE)
# Passages whose reading is kept: about 10 KiB each (a vector per sentence), 10 MiB in all.
PASSAGES_KEPT = 1024

TOPICS = {
    "billing": "your billing question",
    "account": "your account",
    "bugs": "the problem you ran into",
    "integrations": "your integration",
    "outages": "the availability problem you're seeing",
    "security": "your security question",
    "plans": "your plan",
    "data-export": "exporting your data",
    "feature-requests": "your feature request",
}
# An apology names what went wrong, not the question ("the trouble with your billing
# question" would apologise for the customer asking).
TROUBLES = {
    "billing": "the trouble with your billing",
    "account": "the trouble with your account",
    "bugs": "the problem you ran into",
    "integrations": "the trouble with your integration",
    "outages": "the disruption you're seeing",
    "security": "the worry about your account's security",
    "plans": "the trouble with your plan",
    "data-export": "the trouble exporting your data",
    "feature-requests": "Tasklane falling short here",
}
# Each of several questions gets this many steps (one more after a "too short" review).
STEPS_PER_QUESTION = 2
RESTATED_CHARS = 90
FOLLOW_UP = ("I couldn't find this in our help center, so a colleague will follow up on it "
             "with you.")
CLOSING = "If this doesn't fully solve it, just reply to this message and we'll take it from there."
SIGN_OFF = "Best regards,\nTasklane Support"
_POINTER = re.compile(r"\bsee [A-Z]")


@dataclass(frozen=True, slots=True)
class _Sentence:
    passage: int
    position: int
    text: str
    score: float
    matched: bool = True
    """In a passage search matched (not only in the article's text read beside it)."""
    points_elsewhere: bool = False
    """Sends the reader to another article ("… see Download all attachments")."""
    section: str = ""
    """The heading it sits under."""
    procedure: tuple[int, int] | None = None
    """The numbered list it is a step of: (passage, which list in it)."""


@dataclass(frozen=True, slots=True)
class _Reading:
    """What the composer reads of one passage: the same whenever the passage is."""

    texts: tuple[str, ...]
    """Its sentences, in order."""
    under: tuple[str, ...]
    """The heading each sentence sits beneath."""
    words: tuple[frozenset[str], ...]
    """Each sentence's content words."""
    step_of: Mapping[str, int]
    """A sentence that is a step of a numbered list: which list, counted in the passage."""
    title_vector: np.ndarray
    vectors: np.ndarray
    """One row per sentence."""


@dataclass(slots=True)
class _Article:
    rank: int
    passage: Passage
    sentences: list[_Sentence]
    title_similarity: float = 0.0

    @property
    def best(self) -> float:
        """How well the article answers: its best sentence, in what search matched or in the
        article read whole beside it (scored lower), since a match on an introduction that
        only announces the answer ("How much you can do offline depends on which app you
        use.") would otherwise lose to a runner-up's passing mention. A sentence that sends
        the reader to another article is that article's answer, not this one's."""
        return max((s.score for s in self.sentences if not s.points_elsewhere),
                   default=0.0)

    def procedure_of(self, step: _Sentence) -> list[_Sentence]:
        """The steps of the numbered procedure ``step`` is one of, in order (sentences are
        kept in reading order)."""
        return [s for s in self.sentences if s.procedure == step.procedure]


def _article_of(articles: dict[str, _Article], sentence: _Sentence) -> _Article:
    return next(a for a in articles.values() if sentence in a.sentences)


class ExtractiveComposer:
    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self._reading = lru_cache(maxsize=PASSAGES_KEPT)(self._read)

    def compose(self, req: DraftRequest) -> Draft:
        if len(req.questions) > 1:
            return self._compose_parts(req)
        max_steps, max_sources = _limits(req.feedback)
        articles = self._score(req.message, req.passages)
        steps = _choose(articles, req.triage.category, max_steps, max_sources)
        if not steps:
            return _holding_reply(req)
        # A reply asked to be shorter keeps to its steps, whole procedures included.
        whole_up_to = max_steps if max_steps < MAX_STEPS else PROCEDURE_SENTENCES
        if _HOW_TO.search(req.message):
            steps = _procedure_asked_for(steps, articles, max_steps, whole_up_to,
                                         _how_to_words(req.message))
        steps = _with_steps_before(steps, articles, whole_up_to)
        draft = _render(req, steps, articles)
        while len(draft.reply) > MAX_REPLY_CHARS and len(steps) > 1:
            weakest = min(steps, key=lambda s: s.score)
            steps = [s for s in steps if s is not weakest]
            draft = _render(req, steps, articles)
        return draft

    def _compose_parts(self, req: DraftRequest) -> Draft:
        """Each question answered in turn from the passages found for it."""
        sections: list[tuple[str, list[_Sentence]]] = []
        articles: dict[str, _Article] = {}
        too_short = any(item.startswith(TOO_SHORT) for item in req.feedback)
        steps_each = STEPS_PER_QUESTION + too_short
        # The article found first for a question answers that one, not another.
        tops: dict[int, str] = {}
        for passage in req.passages:
            tops.setdefault(passage.part, passage.uri)
        for part, question in enumerate(req.questions):
            others = {uri for other, uri in tops.items() if other != part}
            indices = [i for i, p in enumerate(req.passages)
                       if p.part == part and p.uri not in others]
            found = self._score(asked(question), [req.passages[i] for i in indices])
            chosen = _choose(found, "", steps_each, 1)
            if chosen and _HOW_TO.search(question):
                chosen = _procedure_asked_for(chosen, found, steps_each, MAX_STEPS,
                                              _how_to_words(question))
            chosen = _with_steps_before(chosen, found, MAX_STEPS)
            # Back to positions in the whole passage list.
            chosen = [replace(s, passage=indices[s.passage]) for s in chosen]
            for article in found.values():
                articles.setdefault(article.passage.uri, article)
            sections.append((question, chosen))
        draft = _render_parts(req, sections, articles)
        while len(draft.reply) > MAX_REPLY_CHARS:
            longest = max(sections, key=lambda s: len(s[1]))
            if len(longest[1]) < 2:
                break
            weakest = min(longest[1], key=lambda s: s.score)
            sections = [(q, [s for s in steps if s is not weakest]) for q, steps in sections]
            draft = _render_parts(req, sections, articles)
        return draft

    def _score(self, message: str, passages: list[Passage]) -> dict[str, _Article]:
        """The first ``ARTICLES_READ`` articles, with every sentence of their passages scored."""
        uris = list(dict.fromkeys(p.uri for p in passages))[:ARTICLES_READ]
        query = self.embedder.embed([message])[0]
        wanted = content_words(message)
        articles: dict[str, _Article] = {}
        for index, passage in enumerate(passages):
            if passage.uri not in uris:
                continue
            reading = self._reading(passage.title, passage.heading, passage.text)
            article = articles.setdefault(
                passage.uri, _Article(rank=uris.index(passage.uri), passage=passage, sentences=[])
            )
            if not passage.beside_match:
                article.title_similarity = max(article.title_similarity,
                                               float(reading.title_vector @ query))
            known = {s.text for s in article.sentences}
            for position, text in enumerate(reading.texts):
                if text in known:  # the article's text read whole repeats the matched passage
                    continue
                similarity = float(reading.vectors[position] @ query)
                overlap = len(reading.words[position] & wanted) / max(len(wanted), OVERLAP_FLOOR)
                score = similarity + OVERLAP_WEIGHT * min(overlap, 1.0)
                points_elsewhere = bool(_POINTER.search(text))
                if points_elsewhere:
                    score -= POINTER_PENALTY
                if passage.beside_match:
                    score -= BESIDE_MATCH_PENALTY
                step = reading.step_of.get(text)
                article.sentences.append(_Sentence(
                    index, position, text, score, not passage.beside_match, points_elsewhere,
                    reading.under[position], None if step is None else (index, step)))
        return articles

    def _read(self, title: str, heading: str, text: str) -> _Reading:
        said = sections(text, heading)
        texts = tuple(t for _, group in said for t in group)
        vectors = self.embedder.embed([f"{title} — {heading}" if heading else title, *texts])
        vectors.setflags(write=False)  # shared by every request that reads this passage
        return _Reading(
            texts=texts,
            under=tuple(h for h, group in said for _ in group),
            words=tuple(frozenset(content_words(t)) for t in texts),
            step_of={t: number for number, steps in enumerate(procedures(text)) for t in steps},
            title_vector=vectors[0],
            vectors=vectors[1:],
        )


def _choose(
    articles: dict[str, _Article], category: str, max_steps: int, max_sources: int
) -> list[_Sentence]:
    """The best sentences of the best article, plus one of a close runner-up."""
    ranking = []
    for article in articles.values():
        if not article.sentences:
            continue
        prior = RANK_PRIOR * (len(articles) - article.rank) / len(articles)
        bonus = CATEGORY_BONUS if article.passage.category == category else 0.0
        value = article.best + TITLE_WEIGHT * article.title_similarity + prior + bonus
        ranking.append((value, article))
    ranking.sort(key=lambda pair: -pair[0])
    if not ranking or max(article.best for _, article in ranking) < MIN_RELEVANCE:
        return []
    top = ranking[0][0]
    sources = [a for value, a in ranking[:max_sources] if value >= top - SECOND_SOURCE_MARGIN]
    chosen: list[_Sentence] = []
    for rank, article in enumerate(sources):
        # The runner-up gives one step, or what the best article had too few steps to fill.
        take = max_steps - (len(sources) - 1) if rank == 0 else max(1, max_steps - len(chosen))
        fresh = [s for s in sorted(article.sentences, key=lambda s: -s.score)
                 if not any(_repeats(s.text, kept.text) for kept in chosen)]
        taken = _spread_over_sections(fresh, take)
        chosen.extend(_with_whole_procedure(taken, article, take) if rank == 0 else taken)
    return chosen[:max_steps]


def _with_whole_procedure(taken: list[_Sentence], article: _Article, take: int) -> list[_Sentence]:
    """When the best sentence is a step of a numbered procedure in the section search
    matched, the rest of the procedure comes with it if the whole fits: "Scroll to Delete
    account" and "Click Permanently delete" alone cannot be followed. (A procedure elsewhere
    in the article answers another question: how to export, when the file is garbled.)
    ``taken`` is best first."""
    best = taken[0] if taken else None
    if best is None or not best.matched or best.procedure is None:
        return taken
    steps = article.procedure_of(best)
    if len(steps) > take:
        return taken
    others = [s for s in taken if s.procedure != best.procedure]
    return steps + others[: take - len(steps)]


def _how_to_words(message: str) -> set[str]:
    """The content words of the sentences that ask how to do something."""
    return content_words(" ".join(s for s in asking_sentences(message) if _HOW_TO.search(s)))


def _procedure_asked_for(
    chosen: list[_Sentence], articles: dict[str, _Article], max_steps: int, whole_up_to: int,
    how_to: set[str],
) -> list[_Sentence]:
    """For "how do I…": the answering article's numbered procedure, whole and from its first
    step, in place of the runner-up's step, when one of its matched steps comes within
    ``PROCEDURE_MARGIN`` of the article's best sentence and all of it fits in ``whole_up_to``
    steps. ("On mobile, the same setting is under…" may score best, but the customer asked for
    the steps.) When every word of the "how" (``how_to``) is in the article's title, the
    article is the how-to asked for: its first procedure answers, wherever search matched
    ("How do I add a VAT number to our invoices?" matched the troubleshooting section of *Add
    a VAT number or tax ID to your invoices*). Sentences of the answer beside the procedure
    stay only from its passage, so the reply reads in the article's order."""
    article = _article_of(articles, chosen[0])
    matched = sorted((s for s in article.sentences if s.matched), key=lambda s: -s.score)
    anchor = next((s for s in matched if s.procedure is not None), None)
    if anchor is None or anchor.score < matched[0].score - PROCEDURE_MARGIN:
        titled = bool(how_to) and how_to <= content_words(article.passage.title)
        anchor = _first_step(article) if titled else None
    if anchor is None:
        return chosen
    steps = article.procedure_of(anchor)
    if len(steps) > whole_up_to or all(s in chosen for s in steps):
        return chosen
    rest = [s for s in chosen if s in article.sentences and s not in steps
            and s.passage == anchor.passage]
    return steps + rest[: max(0, max_steps - len(steps))]


def _with_steps_before(chosen: list[_Sentence], articles: dict[str, _Article],
                       limit: int) -> list[_Sentence]:
    """A later step of a numbered procedure comes with the steps before it ("Choose a reason
    and confirm." alone does not say where), when the reply stays within ``limit`` steps;
    otherwise it is left out."""
    result = list(chosen)
    for step in chosen:
        if step.procedure is None or step not in result or _STANDS_ALONE.match(step.text):
            continue
        procedure = _article_of(articles, step).procedure_of(step)
        missing = [s for s in procedure[:procedure.index(step)] if s not in result]
        if not missing:
            continue
        if len(result) + len(missing) <= limit:
            at = result.index(step)
            result[at:at] = missing
        elif len(result) > 1:
            result.remove(step)
    return result


def _first_step(article: _Article) -> _Sentence | None:
    """The first step of the article's first numbered procedure, read in its whole text when
    research read it."""
    whole = [s for s in article.sentences if not s.matched] or article.sentences
    return next((s for s in sorted(whole, key=lambda s: (s.passage, s.position))
                 if s.procedure is not None), None)


def _spread_over_sections(ranked: list[_Sentence], take: int) -> list[_Sentence]:
    """The best ``take`` of ``ranked``, at most ``STEPS_PER_SECTION`` from one section while
    other sections have steps to give; then the best of the rest (a single procedure is
    given whole)."""
    taken: list[_Sentence] = []
    for s in ranked:
        if len(taken) < take and sum(k.section == s.section for k in taken) < STEPS_PER_SECTION:
            taken.append(s)
    taken += [s for s in ranked if s not in taken][: take - len(taken)]
    return taken


def _repeats(text: str, earlier: str) -> bool:
    """Whether ``text`` says mostly what ``earlier`` said (two articles give the same step)."""
    words = content_words(text)
    return bool(words) and len(words & content_words(earlier)) >= REPEAT_SHARE * len(words)


def _render(req: DraftRequest, steps: list[_Sentence], articles: dict[str, _Article]) -> Draft:
    uri_of = {s.passage: req.passages[s.passage].uri for s in steps}
    order = list(dict.fromkeys(uri_of[s.passage] for s in steps))
    steps = sorted(steps, key=lambda s: (order.index(uri_of[s.passage]), s.passage, s.position))
    citations = [citation_for(articles[uri].passage) for uri in order]
    claims = [Claim(text=s.text, uri=uri_of[s.passage]) for s in steps]
    lines = [
        f"{n}. {s.text} [{order.index(uri_of[s.passage]) + 1}]"
        for n, s in enumerate(steps, start=1)
    ]
    parts = [_greeting(req), _opening(req), "\n".join(lines), CLOSING, SIGN_OFF]
    reply = "\n\n".join([*parts, render_sources(citations)])
    return Draft(reply=reply, citations=citations, claims=claims)


def _render_parts(
    req: DraftRequest, sections: list[tuple[str, list[_Sentence]]], articles: dict[str, _Article]
) -> Draft:
    order = list(dict.fromkeys(
        req.passages[s.passage].uri for _, steps in sections for s in steps
    ))
    citations = [citation_for(articles[uri].passage) for uri in order]
    claims: list[Claim] = []
    blocks: list[str] = []
    unanswered: list[str] = []
    for number, (question, steps) in enumerate(sections, start=1):
        lines = [f"{number}) {_restated(question)}"]
        if not steps:
            unanswered.append(question)
            lines.append(f"- {FOLLOW_UP}")
        for s in sorted(steps, key=lambda s: (s.passage, s.position)):
            uri = req.passages[s.passage].uri
            claims.append(Claim(text=s.text, uri=uri))
            lines.append(f"- {s.text} [{order.index(uri) + 1}]")
        blocks.append("\n".join(lines))
    opening = (
        "I'm sorry for the trouble, and thank you for your patience."
        if req.triage.sentiment == "negative" else "Thanks for getting in touch."
    ) + f" You asked about {len(sections)} things, so I've answered each in turn:"
    parts = [_greeting(req), opening, *blocks, CLOSING, SIGN_OFF]
    if citations:
        parts.append(render_sources(citations))
    return Draft(reply="\n\n".join(parts), citations=citations, claims=claims,
                 unanswered=unanswered)


def _restated(question: str) -> str:
    """The part of a question worth repeating: its last asking sentence, kept short."""
    asking = asking_sentences(question)
    text = without_label(asking[-1] if asking else question).rstrip()
    text = text[0].upper() + text[1:] if text else text
    return text if len(text) <= RESTATED_CHARS else text[: RESTATED_CHARS - 1].rstrip() + "…"


def _holding_reply(req: DraftRequest) -> Draft:
    """Nothing retrieved answers the message: say so rather than cite something beside it."""
    reply = "\n\n".join(
        [
            _greeting(req),
            "Thanks for your message. I couldn't find an article in our help center that "
            "answers this, so I've passed it to a specialist on our team who will get back "
            "to you.",
            SIGN_OFF,
        ]
    )
    return Draft(reply=reply, citations=[], claims=[])


def _limits(feedback: list[str]) -> tuple[int, int]:
    """How many steps and sources to use, given a failed review's feedback."""
    if any(item.startswith(TOO_LONG) for item in feedback):
        return MIN_STEPS, 1
    if any(item.startswith(TOO_SHORT) for item in feedback):
        return MAX_STEPS + 1, MAX_SOURCES + 1
    return MAX_STEPS, MAX_SOURCES


def _greeting(req: DraftRequest) -> str:
    name = req.customer.first_name if req.customer else ""
    return f"Hi {name}," if name else "Hi there,"


def _opening(req: DraftRequest) -> str:
    if req.triage.sentiment == "negative":
        trouble = TROUBLES.get(req.triage.category, "the trouble")
        return (f"I'm sorry for {trouble}, and thank you for your patience. "
                "Here is what should help:")
    topic = TOPICS.get(req.triage.category, "your question")
    return f"Thanks for getting in touch about {topic}. Here is what should help:"
