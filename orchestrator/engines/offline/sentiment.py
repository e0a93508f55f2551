"""Lexicon sentiment for support messages: how the customer feels, not whether a bug exists.

Problem words ("error", "bug") carry little weight on purpose: a calm bug report is neutral.
Emotion words carry the score, shifted by negation ("not happy"), intensifiers ("really"),
exclamation marks and shouting in capitals. The sum is squashed into -1..1 like VADER does.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from orchestrator.domain import Sentiment
from orchestrator.engines.offline.lexicon import (
    ACRONYMS,
    INTENSIFIERS,
    LEXICON,
    NEGATIONS,
    PHRASES,
)

NEGATIVE_AT = -0.3
POSITIVE_AT = 0.3
_NEGATION_FLIP = -0.74
_CAPS_BOOST = 1.5
_SHOUTING_PENALTY = -1.5
_EXCLAMATION_STEP = 0.15
_SQUASH = 15.0
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*|\d+[A-Za-z]+")
_CLAUSE_END = re.compile(r"[.!?;:\n]+|\s[-–—]\s|,\s(?=but\b)")


@dataclass(frozen=True, slots=True)
class SentimentResult:
    label: Sentiment
    score: float
    cues: list[str]


def _valence(words: list[str], index: int) -> float:
    word = words[index].lower()
    value = LEXICON.get(word, 0.0)
    if not value:
        return 0.0
    if words[index].isupper() and len(word) > 2:
        value *= _CAPS_BOOST
    for back in range(1, 4):
        if index - back < 0:
            break
        before = words[index - back].lower()
        if back == 1 and before in INTENSIFIERS:
            value *= INTENSIFIERS[before]
        if before in NEGATIONS:
            value *= _NEGATION_FLIP
            break
    return value


def _clauses(text: str) -> list[list[str]]:
    """Words per clause: negation and intensifiers never reach across a full stop."""
    return [words for part in _CLAUSE_END.split(text) if (words := _WORD.findall(part))]


def _clause_total(words: list[str], cues: list[str]) -> float:
    lowered = [word.lower() for word in words]
    total = 0.0
    covered: set[int] = set()
    for phrase, value in PHRASES.items():
        parts = phrase.split()
        for start in range(len(lowered) - len(parts) + 1):
            if lowered[start : start + len(parts)] == parts:
                total += value
                cues.append(phrase)
                covered.update(range(start, start + len(parts)))
    for index in range(len(words)):
        value = 0.0 if index in covered else _valence(words, index)
        if value:
            total += value
            cues.append(lowered[index])
    return total


def analyse(text: str) -> SentimentResult:
    """Score ``text`` in -1..1 and label it negative, neutral or positive."""
    cues: list[str] = []
    clauses = _clauses(text)
    total = sum(_clause_total(words, cues) for words in clauses)
    words = [word for clause in clauses for word in clause]
    shouted = [w for w in words if len(w) > 2 and w.isupper() and w not in ACRONYMS]
    if len(shouted) >= 3:
        total += _SHOUTING_PENALTY
        cues.append("shouting")
    exclamations = min(text.count("!"), 3)
    total *= 1 + _EXCLAMATION_STEP * exclamations
    score = total / math.sqrt(total * total + _SQUASH)
    score = round(max(-1.0, min(1.0, score)), 4)
    label: Sentiment = (
        "negative" if score <= NEGATIVE_AT else "positive" if score >= POSITIVE_AT else "neutral"
    )
    return SentimentResult(label=label, score=score, cues=cues)
