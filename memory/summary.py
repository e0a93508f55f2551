"""A deterministic, offline, extractive summary of a conversation.

Sentences are scored by how many of the conversation's frequent content words they carry
(Luhn's method); the customer's first sentence (the problem) and the last agent sentence (the
outcome) are always candidates. The chosen sentences keep their original order and speaker.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from memory.models import Turn

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"[a-z0-9][a-z0-9'_-]*")
_STOPWORDS = frozenset(
    """a an and are as at be been but by can could did do does for from had has have hello hi
    how i if in into is it its just me my no not of on or our please so thank thanks that the
    their them then there these they this to too up us was we were what when where which who
    will with would yes you your i'm it's can't don't ok okay sure""".split()
)


@dataclass(frozen=True, slots=True)
class Sentence:
    turn: int
    position: int
    role: str
    text: str


def sentences_of(turns: list[Turn]) -> list[Sentence]:
    found = []
    for index, turn in enumerate(turns):
        for position, text in enumerate(_SENTENCE_END.split(turn.content.strip())):
            if text.strip():
                found.append(Sentence(index, position, turn.role, " ".join(text.split())))
    return found


_SUFFIXES = ("ing", "ed", "es", "s", "e")


def _stem(word: str) -> str:
    """Crude suffix stripping, so 'charged' and 'charge' count as one word."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _words(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOPWORDS and len(w) > 2]


def summarize(turns: list[Turn], *, max_sentences: int = 5, max_chars: int = 1_000) -> list[Sentence]:
    """The most informative sentences, in conversation order, within both limits."""
    sentences = sentences_of(turns)
    if not sentences:
        return []
    frequency = Counter(w for s in sentences for w in set(_words(s.text)))

    def score(sentence: Sentence) -> float:
        words = _words(sentence.text)
        if not words:
            return 0.0
        return sum(frequency[w] for w in words) / len(words) ** 0.5

    ranked = sorted(range(len(sentences)), key=lambda i: (-score(sentences[i]), i))
    order = [*_anchors(sentences, ranked), *ranked]
    chosen: list[int] = []
    used = 0
    for index in order:
        if index in chosen or len(chosen) == max_sentences:
            continue
        cost = len(sentences[index].text) + 2
        if used + cost > max_chars:
            continue
        chosen.append(index)
        used += cost
    return [sentences[i] for i in sorted(chosen)]


def _anchors(sentences: list[Sentence], ranked: list[int]) -> list[int]:
    """The best sentence of the customer's first turn (the problem) and of the agent's last
    turn (the outcome), when they carry any content words."""
    customer_turns = [s.turn for s in sentences if s.role == "customer"]
    agent_turns = [s.turn for s in sentences if s.role == "agent"]
    wanted = [t for t in (min(customer_turns, default=None), max(agent_turns, default=None))
              if t is not None]
    anchors = []
    for turn in wanted:
        best = next((i for i in ranked if sentences[i].turn == turn), None)
        if best is not None and _words(sentences[best].text):
            anchors.append(best)
    return anchors


def render(sentences: list[Sentence]) -> str:
    """'Customer: ...' / 'Agent: ...' lines, consecutive sentences of a speaker joined."""
    lines: list[tuple[str, list[str]]] = []
    for sentence in sentences:
        if lines and lines[-1][0] == sentence.role:
            lines[-1][1].append(sentence.text)
        else:
            lines.append((sentence.role, [sentence.text]))
    return "\n".join(f"{role.capitalize()}: {' '.join(texts)}" for role, texts in lines)
