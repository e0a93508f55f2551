"""The customer's own words in a message: without the earlier messages an email client quotes
below a reply, and without the signature. Neither is a question to answer, and both drag
search and triage towards whatever the old thread was about.

A forwarded message is kept: forwarding is how a customer hands over the matter itself.
"""

from __future__ import annotations

import re

_QUOTE_HEADERS = (
    re.compile(r"^\s*On .{1,200}wrote:\s*$", re.IGNORECASE),          # Gmail, Apple Mail
    re.compile(r"^\s*-{2,}\s*Original Message\s*-{2,}\s*$", re.IGNORECASE),  # Outlook
    re.compile(r"^\s*Am .{1,200}schrieb .{1,100}:\s*$", re.IGNORECASE),      # German clients
    re.compile(r"^\s*Le .{1,200}a écrit\s*:\s*$", re.IGNORECASE),            # French clients
    re.compile(r"^\s*El .{1,200}escribió\s*:\s*$", re.IGNORECASE),           # Spanish clients
)
_FORWARDED = re.compile(
    r"^\s*(?:-{2,}\s*Forwarded message\s*-{2,}|Begin forwarded message:)\s*$", re.IGNORECASE
)
# The customer's line just above a header that would otherwise start a quote, saying that
# what follows is forwarded ("Forwarding this from a colleague:").
_ANNOUNCES_FORWARD = re.compile(r"\b(?:forward(?:ing|ed)?|fwd)\b", re.IGNORECASE)
_OUTLOOK_FROM = re.compile(r"^\s*From:\s.+$", re.IGNORECASE)
_OUTLOOK_NEXT = re.compile(r"^\s*(?:Sent|Date|To):\s", re.IGNORECASE)
_SIGNATURE_START = (
    re.compile(r"^--\s*$"),
    re.compile(r"^\s*Sent from my \w+", re.IGNORECASE),
    re.compile(r"^\s*Get Outlook for \w+", re.IGNORECASE),
    re.compile(r"^\s*(?:This (?:message|e-?mail) was sent from|Please excuse (?:my )?"
               r"(?:typos|brevity))", re.IGNORECASE),
)
_SIGN_OFF = re.compile(
    r"^\s*(?:best|kind|warm)?\s*(?:regards|wishes|thanks|thank you|cheers|sincerely|"
    r"best regards|many thanks|thanks again)[,!.]?\s*$",
    re.IGNORECASE,
)
# After a sign-off, a signature is a few short lines: a name, a title, a company, a phone.
_SIGNATURE_LINES = 5
_SIGNATURE_LINE_CHARS = 60
# What a mail client or inbox puts where the customer wrote no subject.
_PLACEHOLDER_SUBJECT = re.compile(r"^\W*(?:no subject|untitled|none|empty)\W*$", re.IGNORECASE)


def own_subject(subject: str) -> str:
    """``subject``, or "" when it is only a client's placeholder ("(no subject)")."""
    return "" if _PLACEHOLDER_SUBJECT.match(subject) else subject


def own_words(message: str) -> str:
    """``message`` without quoted earlier messages and without its signature; the message as
    it was when nothing of the customer's own would be left."""
    lines = _unquoted(message.splitlines())
    return _joined(lines[: _signature_start(lines)], message)


def without_quotes(message: str) -> str:
    """``message`` without quoted earlier messages, its sign-off kept (a closing "Thank you!"
    still says how the customer feels)."""
    return _joined(_unquoted(message.splitlines()), message)


def _unquoted(lines: list[str]) -> list[str]:
    return [line for line in lines[: _quote_start(lines)] if not line.lstrip().startswith(">")]


def _joined(kept: list[str], message: str) -> str:
    if len(kept) == len(message.splitlines()):
        return message.strip()  # nothing set aside: the message exactly as written
    return "\n".join(kept).strip() or message.strip()


def _quote_start(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        if _FORWARDED.match(line):  # what follows is the matter: keep it, headers and all
            return len(lines)
        if any(header.match(line) for header in _QUOTE_HEADERS) or (
            _OUTLOOK_FROM.match(line)
            and any(_OUTLOOK_NEXT.match(following) for following in lines[index + 1 : index + 3])
        ):
            above = [own for own in lines[:index] if own.strip()]
            announced = bool(above) and bool(_ANNOUNCES_FORWARD.search(above[-1]))
            return len(lines) if announced else index
    return len(lines)


def _signature_start(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        if any(start.match(line) for start in _SIGNATURE_START):
            return index
    # A sign-off near the end, followed only by a few short lines (name, title, company).
    for index in range(len(lines) - 1, max(-1, len(lines) - _SIGNATURE_LINES - 2), -1):
        if _SIGN_OFF.match(lines[index]):
            rest = [line for line in lines[index + 1 :] if line.strip()]
            if len(rest) <= _SIGNATURE_LINES and all(
                len(line) <= _SIGNATURE_LINE_CHARS for line in rest
            ):
                return index
    return len(lines)
