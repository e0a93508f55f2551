"""Find and redact personal data — emails, phone numbers, card numbers — in free text.

Every engine runs this locally: PII detection is never left to an LLM, and only redacted text
is sent to a provider or stored. Findings keep positions and kinds, never the raw values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

PiiKind = Literal["email", "phone", "card"]

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w-])"
)
# 13-19 digits, optionally grouped by single spaces or dashes; the Luhn check decides.
_CARD = re.compile(r"(?<![\w+-])\d(?:[ -]?\d){12,18}(?![\w-])")
# International: a leading + and 7-15 digits in groups ("+44 20 7946 0958", "+1-415-555-0132").
_PHONE_INTERNATIONAL = re.compile(r"(?<![\w+])\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}(?![\w-])")
# US/NANP with visible structure: "(415) 555-0132", "415-555-0132", "415.555.0132".
_PHONE_US = re.compile(r"(?<![\w-])(?:1[ .-])?(?:\(\d{3}\)\s?|\d{3}[.-])\d{3}[.-]\d{4}(?![\w-])")
# Bare 10-11 digit runs and spaced national groups are phones only when the text says so nearby:
# otherwise they are as likely to be order numbers.
_PHONE_BARE = re.compile(
    r"(?<![\w-])(?:1?\d{10}|\d{3} \d{3} \d{4}|0\d{2,4}[ -]\d{3,4}[ -]\d{3,4})(?![\w-])"
)
_PHONE_CONTEXT = re.compile(
    r"\b(?:phone|call|tel|telephone|mobile|cell|whats ?app|text me|sms|reach me|number)\b\W*"
    r"(?:\w+\W+){0,3}$",
    re.IGNORECASE,
)
_ID_CONTEXT = re.compile(
    r"\b(?:order|invoice|ticket|reference|ref|account|case|id|tracking|po|transaction)\b\W*"
    r"(?:\w+\W+){0,2}$",
    re.IGNORECASE,
)
_MIN_PHONE_DIGITS = 7
_MAX_PHONE_DIGITS = 15

PLACEHOLDERS: dict[str, str] = {"email": "[email]", "phone": "[phone]", "card": "[card]"}


@dataclass(frozen=True, slots=True)
class Span:
    kind: PiiKind
    start: int
    end: int


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum every payment card number satisfies."""
    if not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _card_spans(text: str) -> list[Span]:
    spans = []
    for match in _CARD.finditer(text):
        digits = _digits(match.group())
        # A run of one repeated digit passes Luhn for some lengths but is never a real card.
        if 13 <= len(digits) <= 19 and luhn_valid(digits) and len(set(digits)) > 1:
            spans.append(Span("card", match.start(), match.end()))
    return spans


def _phone_spans(text: str) -> list[Span]:
    spans = []
    for pattern in (_PHONE_INTERNATIONAL, _PHONE_US):
        for match in pattern.finditer(text):
            if _MIN_PHONE_DIGITS <= len(_digits(match.group())) <= _MAX_PHONE_DIGITS:
                spans.append(Span("phone", match.start(), match.end()))
    for match in _PHONE_BARE.finditer(text):
        before = text[max(0, match.start() - 40) : match.start()]
        if _PHONE_CONTEXT.search(before) and not _ID_CONTEXT.search(before):
            spans.append(Span("phone", match.start(), match.end()))
    return spans


def _without_overlaps(spans: list[Span]) -> list[Span]:
    """Earlier kinds win (emails, then cards, then phones); then the earliest, longest span."""
    kept: list[Span] = []
    for span in spans:
        if all(span.end <= other.start or span.start >= other.end for other in kept):
            kept.append(span)
    return sorted(kept, key=lambda span: span.start)


def find_pii(text: str) -> list[Span]:
    """Every email, phone number and Luhn-valid card number in ``text``, in reading order."""
    emails = [Span("email", m.start(), m.end()) for m in _EMAIL.finditer(text)]
    cards = _card_spans(text)
    phones = sorted(_phone_spans(text), key=lambda span: (span.start, -span.end))
    return _without_overlaps(emails + cards + phones)


def redact(text: str, spans: list[Span] | None = None) -> str:
    """``text`` with each finding replaced by ``[email]``, ``[phone]`` or ``[card]``."""
    spans = find_pii(text) if spans is None else spans
    parts: list[str] = []
    cursor = 0
    for span in sorted(spans, key=lambda span: span.start):
        parts.append(text[cursor : span.start])
        parts.append(PLACEHOLDERS[span.kind])
        cursor = span.end
    parts.append(text[cursor:])
    return "".join(parts)


def normalised_value(kind: PiiKind, value: str) -> str:
    """A comparable form: lower-cased emails, digits only for phones and cards."""
    return value.strip().lower() if kind == "email" else _digits(value)
