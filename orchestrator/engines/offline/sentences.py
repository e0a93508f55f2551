"""Help-center Markdown as plain sentences, and the content words used to compare texts."""

from __future__ import annotations

import re
from functools import lru_cache

from orchestrator.lead_ins import is_lead_in

_STOPWORD_TEXT = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it
its itself just let me more most my myself no nor not now of off on once only or other our
ours ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up us very was we
were what when where which while who whom why will with would you your yours yourself
yourselves i'm it's don't can't we're you're isn't there's that's what's i've we've i'd
we'd get got go going want need like one two also still even just really please hi hello
thanks thank tasklane
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_WORD = re.compile(r"[a-z0-9][a-z0-9'-]*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(*])")
# A quoted message ("Too many attempts. Try again in 30 minutes.") is not split: it stays with
# the sentence that explains it.
_QUOTED = re.compile(r"\"[^\"\n]+?\"|“[^”\n]+?”")
_QUOTE_ENDS = {f"{mark}{quote}" for mark in ".!?" for quote in "\"”"}
# A list item that is a clause of a longer condition ("Annual plans with 20 or more seats,
# and"), not a step that stands alone.
_CLAUSE_ITEM = re.compile(r"[,;]?\s+(?:and|or)$", re.IGNORECASE)
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+")
# A list item led by a bold sentence, its label: "- **The link has expired.** Links are…".
_LABELLED_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\*\*([^*]+[.?!]\"?)\*\*\s+(?=\S)")
# A label that states a case ("The link has expired.", "The calendar stopped updating."), not
# a thing to do ("Update your browser.") or a name ("TLS inspection."): it has a finite verb.
_CASE = re.compile(
    r"\b(?:is|are|was|were|has|have|had|isn't|aren't|wasn't|weren't|hasn't|haven't|don't|"
    r"doesn't|didn't|won't|can't|never|stopped|you're|it's)\b", re.IGNORECASE)
# A fix that already opens with its own condition ("If you see a charge…") keeps the case as a
# statement: two conditions in a row read badly.
_CONDITIONAL = re.compile(r"(?:if|when|unless)\b", re.IGNORECASE)
# The help center writes some cases in the customer's voice ("I don't see the calendar on my
# phone."); a reply says them to the customer.
_TO_CUSTOMER = {"i": "you", "my": "your", "me": "you", "i'm": "you're", "i've": "you've",
                "mine": "yours"}
_FIRST_PERSON = re.compile(r"\b(?:" + "|".join(sorted(_TO_CUSTOMER, key=len, reverse=True))
                           + r")\b(?!')", re.IGNORECASE)
# After "If", a case's first word is lower-cased unless it is a name.
_NAMES = frozenset({"Tasklane", "Slack", "Google", "Zapier", "GitHub", "Windows", "Chrome",
                    "Okta", "Microsoft", "Excel", "Outlook", "Android", "Linux"})
_MARKDOWN = re.compile(
    r"(\*\*|__|`|(?<!\w)_(?=\w)|(?<=\w)_(?!\w)|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*]))"
)
# A sentence opening with a conjunction leans on the one before it ("Or reset your password
# straight away."); as a step of its own it reads without it.
_LEADING_CONJUNCTION = re.compile(r"^(?:or|and|but)\s+(?=[a-z])", re.IGNORECASE)
_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")

_EMPHASIS = re.compile(r"(?<!\*)\*(?!\*)[^*\n]+?\*(?!\*)")
_END_MARKS = str.maketrans({".": "\x00", "!": "\x01", "?": "\x02"})
_END_MARKS_BACK = str.maketrans({"\x00": ".", "\x01": "!", "\x02": "?"})
# About the article itself, or only a pointer to another one: not a step a customer can use.
_META = re.compile(
    r"^(?:this (?:article|page|guide|section) (?:explains|describes|shows|covers|lists)|see\b)",
    re.IGNORECASE,
)

MIN_SENTENCE_CHARS = 15
MAX_SENTENCE_CHARS = 320


def stem(word: str) -> str:
    """A light plural fold: 'invoices' matches 'invoice', 'policies' matches 'policy'."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=4096)
def content_words(text: str) -> frozenset[str]:
    """Lower-cased, stemmed words that carry meaning (no stopwords, no one-letter tokens).

    Kept for the 4,096 texts read last: the help center's sentences and passages come back
    request after request, and a reply compares each sentence with the ones before it."""
    words = _WORD.findall(text.lower().replace("’", "'"))
    return frozenset(stem(word.strip("'-")) for word in words
                     if word not in STOPWORDS and len(word) > 1)


def clean_markdown(line: str) -> str:
    line = _LINK.sub(r"\1", line)
    line = _LIST_MARKER.sub("", line)
    line = _MARKDOWN.sub("", line)
    return re.sub(r"\s+", " ", line).strip()


def as_condition(line: str) -> str:
    """A list item led by a bold case ("- **The link has expired.** Links are valid for 7
    days.") with the case as its condition ("If the link has expired: Links are valid for 7
    days."): said as a statement, a reply would tell the customer their link has expired.
    Any other line as it is."""
    labelled = _LABELLED_ITEM.match(line)
    if labelled is None:
        return line
    label, fix = labelled.group(1), line[labelled.end():]
    # A quoted message ("**"Upload failed."**") is what the customer sees: it stays quoted.
    if not label.endswith(".") or '"' in label or not _CASE.search(label) \
            or _CONDITIONAL.match(fix):
        return line
    case = _FIRST_PERSON.sub(lambda m: _TO_CUSTOMER[m.group().lower()], label[:-1])
    first = case.split(" ", 1)[0]
    if first[1:].islower() and first not in _NAMES:
        case = case[0].lower() + case[1:]
    marker = line[: labelled.start(1) - len("**")]
    return f"{marker}**If {case}:** {fix}"


def sentences(text: str) -> list[str]:
    """Readable sentences of a Markdown passage: list items and prose split at full stops.

    Headings, table rows, lead-ins (ending with a colon, or announcing what follows) and
    sentences about the article itself are left out: they don't stand alone as a step in a reply.
    """
    found: list[str] = []
    for raw in text.splitlines():
        stripped = raw.strip()
        if not stripped or stripped.startswith(("#", "|", "```", "~~~", ">")):
            continue
        # Titles quoted in italics ("see *Why was I charged mid-cycle? ...*") hold
        # punctuation that must not end a sentence.
        line = _EMPHASIS.sub(lambda m: m.group().translate(_END_MARKS), as_condition(stripped))
        line = clean_markdown(line)
        if _LIST_MARKER.match(stripped) and _CLAUSE_ITEM.search(line):
            continue
        line = _QUOTED.sub(lambda m: m.group().translate(_END_MARKS), line)
        # A list item led by a bold sentence ("**The link has expired.** Links are valid for
        # 7 days. After that, request a new export.") is one step: the label names the case
        # and the rest is its fix, which alone would not say what it is for. So is a numbered
        # step ("4. We send a link. Click it within 24 hours."): one thing to do, in order.
        parts = _SENTENCE_END.split(line)
        if _LABELLED_ITEM.match(stripped) or _NUMBERED.match(stripped):
            # less any pointer ("See the next section.")
            whole = " ".join(part for part in parts if not _META.match(part))
            parts = [whole] if len(whole) <= MAX_SENTENCE_CHARS else parts
        for part in parts:
            part = _LEADING_CONJUNCTION.sub("", part.strip().translate(_END_MARKS_BACK))
            if not MIN_SENTENCE_CHARS <= len(part) <= MAX_SENTENCE_CHARS:
                continue
            if _META.match(part) or is_lead_in(part):  # is_lead_in covers a closing colon
                continue
            if part[-1] not in ".!?)" and part[-2:] not in _QUOTE_ENDS:
                part = part.rstrip(",;") + "."
            found.append(_capitalised(part))
    return found


def _capitalised(sentence: str) -> str:
    """The sentence with a capital first letter, unless its first word is a name written
    with a small one ("iOS", "macOS", "firstName")."""
    first = sentence.split(" ", 1)[0]
    if first[:1].islower() and any(c.isupper() for c in first[1:]):
        return sentence
    return sentence[0].upper() + sentence[1:]


def procedures(text: str) -> list[list[str]]:
    """The sentences of each numbered list in a Markdown passage ("1. Click your avatar…"),
    list by list: steps to be followed in order."""
    found: list[list[str]] = [[]]
    for raw in text.splitlines():
        if _NUMBERED.match(raw):
            found[-1].extend(sentences(raw))
        elif raw.strip() and found[-1]:  # a blank line inside a list does not end it
            found.append([])
    return [steps for steps in found if steps]


def sections(text: str, heading: str = "") -> list[tuple[str, list[str]]]:
    """The passage's sentences under the heading each sits beneath: ``heading`` for those
    before the passage's first heading of its own."""
    found: list[tuple[str, list[str]]] = []
    lines: list[str] = []
    for raw in [*text.splitlines(), "#"]:
        if raw.lstrip().startswith("#"):
            said = sentences("\n".join(lines))
            if said:
                found.append((heading, said))
            heading, lines = raw.strip().lstrip("#").strip(), []
        else:
            lines.append(raw)
    return found
