"""Opaque keyset cursors: a page ends at a sort key, the next page starts strictly after it.

Keyset pages stay correct while rows are being added (no skipped or repeated rows, unlike
offsets) and cost the same on page 1 and page 1000.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime

from servers.crm.errors import InvalidInput


def encode(kind: str, *key: str | int) -> str:
    raw = json.dumps([kind, *key], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(kind: str, cursor: str, shape: tuple[type, ...]) -> tuple:
    """The sort key inside ``cursor``; InvalidInput unless it came from the same listing."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        value = None
    if (
        not isinstance(value, list)
        or len(value) != len(shape) + 1
        or value[0] != kind
        or not all(isinstance(part, t) for part, t in zip(value[1:], shape, strict=True))
    ):
        raise InvalidInput(f"cursor: not a cursor from {kind}; pass next_cursor unchanged")
    return tuple(value[1:])


def encode_time(moment: datetime) -> str:
    return moment.isoformat()


def decode_time(kind: str, value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"cursor: not a cursor from {kind}") from None
    if moment.tzinfo is None:
        raise InvalidInput(f"cursor: not a cursor from {kind}")
    return moment
