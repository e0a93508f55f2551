"""The CRM's errors. Each message starts with the field at fault and is safe to show a caller."""

from __future__ import annotations

from servers.crm.vocabulary import parse_id


class CrmError(Exception):
    """Base error of the CRM; the caller can read and act on the message."""


class NotFound(CrmError):
    """No such row for this tenant: another tenant's id is reported exactly like a missing one."""

    def __init__(self, field: str, kind: str, value: str) -> None:
        super().__init__(f"{field}: no {kind} {value!r}")


class VersionConflict(CrmError):
    def __init__(self, kind: str, record_id: str, expected: int, current: int) -> None:
        super().__init__(
            f"expected_version: {kind} {record_id} is at version {current}, not {expected}; "
            f"someone changed it since you read it. Read it again with get_{kind}, then retry "
            "with the new version if your change still applies."
        )
        self.current = current


class InvalidInput(CrmError):
    pass


def number_of(prefix: str, field: str, kind: str, value: str) -> int:
    """The row number behind a readable id; a malformed id is as unknown as a missing one."""
    number = parse_id(prefix, value)
    if number is None:
        raise NotFound(field, kind, value)
    return number
