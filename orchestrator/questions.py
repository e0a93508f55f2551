"""The separate questions and requests in one message, so each can be researched and answered.

Deterministic. A message is split only where it plainly asks more than one thing: a numbered
or bulleted list of two or more items, two or more sentences that ask ("…?", "how do I…",
"please…"), or one sentence that joins two questions (", and how do I…", "? Also…"). A
sentence that only gives context ("We're moving off Tasklane.") stays with the question after
it. Anything else is one question: the whole message.
"""

from __future__ import annotations

import re

MAX_QUESTIONS = 3
# A part shorter than this many words is not a question of its own ("Help?").
MIN_WORDS = 3
# Each half of a sentence split in two must say this much ("What happens next and how…"). A
# four-word half ("What are the limits and how should we back off?", "Who counts as a seat,
# and why were guests added?") asks about one thing with the other half: searched apart, the
# second was answered from an unrelated article (cancelling, downgrading).
MIN_JOINED_WORDS = 5

_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•])\s+(?P<item>\S.*)$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
# Where one sentence starts a second question.
_QUESTION_WORD = (r"(?:how|where|what|why|when|which|who|is there|are there|can|could|would|"
                  r"will|does|do|did|is|are)\b(?!')")
_JOINED = re.compile(
    rf"(?:[,;]\s*|\s+)(?:and|also|plus)\s+(?={_QUESTION_WORD})|\?\s*(?:and|also)\s*,?\s*",
    re.IGNORECASE,
)
_ASKS = re.compile(rf"\?\s*$|^(?:{_QUESTION_WORD}|please\b)", re.IGNORECASE)
_ASKS_ANYWHERE = re.compile(rf"\?|\b{_QUESTION_WORD}", re.IGNORECASE)
# Items of a list written on one line: "1) where's the audit log, 2) can I…".
_INLINE_ITEM = re.compile(r"(?:^|\s)\d[.)]\s+")
# A sentence that opens with one of these starts a new item, asking or not. A bare ordinal
# needs its comma or colon: "Third month in a row…" is a sentence, not a third item.
_NEW_ITEM = re.compile(r"^(?:(?:first|second|third)[,:]|(?:firstly|secondly|thirdly|separately)"
                       r"\b[,:]?)\s*", re.IGNORECASE)
_CONNECTIVE = re.compile(r"^(?:also|and|plus|one more thing|another thing|oh and)\b[,:]?\s*",
                         re.IGNORECASE)
# A short part that points back ("Is that possible?", "how do we verify it?") is not a
# question of its own; nor, however long, is a plea about the thing before it ("Please fix it
# properly this time, this is getting annoying.").
_POINTS_BACK = re.compile(r"\b(?:it|that|this|these|those|they|them|in there)\b", re.IGNORECASE)
POINTING_WORDS = 6
_PLEA_BACK = re.compile(r"^please\s+(?:\w+\s+){1,2}(?:it|this|that|them)\b", re.IGNORECASE)
# A short label before the question ("Feature questions: can a task…?", "Billing: why…?").
_LABEL = re.compile(rf"^(?:[^\W\d_][\w'-]*\s+){{0,2}}[^\W\d_][\w'-]*:\s+"
                    rf"(?=(?:{_QUESTION_WORD}|please\b))", re.IGNORECASE)
# An ask with fewer words than this needs the context before it to be searched.
CONTEXT_FREE_WORDS = 5
_WORD = re.compile(r"[^\W_]+")


def split_questions(message: str) -> list[str]:
    """The questions in ``message``, in order; ``[message]`` when it asks one thing."""
    text = message.strip()
    parts = _list_items(text) or _asking_sentences(text)
    parts = _attach_pointing(p for p in parts if len(_WORD.findall(p)) >= MIN_WORDS)
    if len(parts) < 2:
        return [text] if text else []
    if len(parts) > MAX_QUESTIONS:  # the rest stay together in the last part
        parts = [*parts[: MAX_QUESTIONS - 1], " ".join(parts[MAX_QUESTIONS - 1 :])]
    return parts


def asking_sentences(question: str) -> list[str]:
    """The sentences of a question that ask, without those that only give context."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", question.strip()) if s]
    return [s for s in sentences if s.endswith("?") or _ASKS.search(s)]


def without_label(sentence: str) -> str:
    """The sentence without a short label before it: "Feature questions: can a task have
    more than one assignee?" asks "can a task have more than one assignee?"."""
    return _LABEL.sub("", sentence.strip(), count=1)


def asked(question: str) -> str:
    """What a question asks, without the context sentences before it ("We're moving off
    Tasklane. How do we export…?" asks the second sentence); short asks keep their context."""
    asking = asking_sentences(question)
    text = " ".join(asking) if asking else question.strip()
    needs_context = len(_WORD.findall(text)) < CONTEXT_FREE_WORDS or _POINTS_BACK.search(text)
    return question.strip() if needs_context else text


def _list_items(text: str) -> list[str]:
    items = [m.group("item").strip() for line in text.splitlines()
             if (m := _LIST_ITEM.match(line))]
    if len(items) >= 2:
        return items
    inline = [p.strip(" ,;") for p in _INLINE_ITEM.split(text)]
    return inline[1:] if len(inline) > 2 else []


def _attach_pointing(parts) -> list[str]:
    """Short parts that point back join the part before them (or, first, the one after)."""
    joined: list[str] = []
    waiting = ""
    for part in parts:
        pointing = (len(_WORD.findall(part)) <= POINTING_WORDS and _POINTS_BACK.search(part)
                    or _PLEA_BACK.match(part))
        if pointing and joined:
            joined[-1] = f"{joined[-1]} {part}"
        elif pointing:
            waiting = f"{waiting} {part}".strip()
        else:
            joined.append(f"{waiting} {part}".strip())
            waiting = ""
    if waiting:
        joined.append(waiting)
    return joined


def _asking_sentences(text: str) -> list[str]:
    """Sentences that ask, each with the context sentences before it."""
    parts: list[str] = []
    context: list[str] = []
    for sentence in (s.strip() for s in _SENTENCE_END.split(text)):
        if not sentence:
            continue
        for piece in _split_joined(sentence):
            # "And separately, …": the marker may follow a connective.
            bare = _CONNECTIVE.sub("", piece).strip()
            new_item = bool(_NEW_ITEM.match(piece) or _NEW_ITEM.match(bare))
            piece = _CONNECTIVE.sub("", _NEW_ITEM.sub("", bare)).strip()
            if not piece:
                continue
            if new_item and context and not parts:  # "First, X. Second, can we…?"
                parts.append(" ".join(context))
                context = []
            if new_item or _ASKS.search(piece):
                parts.append(" ".join([*context, piece]))
                context = []
            else:
                context.append(piece)
    if context and parts:  # a closing remark ("Thanks!") belongs to the last question
        parts[-1] = " ".join([parts[-1], *context])
    return parts


def _split_joined(sentence: str) -> list[str]:
    pieces = [p.strip() for p in _JOINED.split(sentence) if p and p.strip()]
    if (len(pieces) < 2 or min(len(_WORD.findall(p)) for p in pieces) < MIN_JOINED_WORDS
            or not _ASKS_ANYWHERE.search(pieces[0])):
        return [sentence]
    # Each piece of a joined question keeps (or gets) its question mark.
    return [p if p.endswith(("?", ".", "!")) else f"{p}?" for p in pieces]
