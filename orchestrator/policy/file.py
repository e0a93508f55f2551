"""The team's policy as configuration: a TOML file, validated, with a section per tenant.

    [approval]
    include_built_in = true          # keep the built-in rules (the default), add these
    [[approval.rules]]
    name = "account changes need a human"
    when = { category = ["account"] }

    [tenants.acme.approval]          # acme's own approval rules, instead of the ones above
    include_built_in = false
    [[tenants.acme.approval.rules]]
    name = "every refund"
    when = { signals = ["refund"] }

A mistake is reported with the file, the line and the field (``PolicyError``).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from orchestrator.policy.approval import BUILT_IN_RULES, ApprovalRule


class PolicyError(ValueError):
    """A policy file that cannot be used; the message names the file, line and field."""


class ApprovalSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    include_built_in: bool = Field(
        default=True, description="Keep the built-in rules and add these after them."
    )
    rules: list[ApprovalRule] = Field(default_factory=list, description="Rules, in order.")

    def effective(self) -> tuple[ApprovalRule, ...]:
        return (BUILT_IN_RULES if self.include_built_in else ()) + tuple(self.rules)


class TenantPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approval: ApprovalSection | None = None


class Policy(BaseModel):
    """The policy in force: the file's, or the built-in one when there is no file."""

    model_config = ConfigDict(extra="forbid")

    approval: ApprovalSection = Field(default_factory=ApprovalSection)
    tenants: dict[str, TenantPolicy] = Field(default_factory=dict)
    source: str = Field(default="built-in", exclude=True)

    def approval_rules(self, tenant: str) -> tuple[ApprovalRule, ...]:
        own = self.tenants.get(tenant)
        section = own.approval if own is not None and own.approval is not None else self.approval
        return section.effective()

    def in_force(self, tenant: str) -> dict[str, Any]:
        """What applies to ``tenant``, for people to read (the workflow://policy resource)."""
        return {
            "source": self.source,
            "tenant": tenant,
            "approval_rules": [rule.model_dump(exclude_none=True) | {
                "when": rule.when.model_dump(exclude_none=True)} for rule in
                self.approval_rules(tenant)],
        }


BUILT_IN = Policy()


def load_policy(path: Path) -> Policy:
    """The policy in ``path``; PolicyError naming the file, line and field otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PolicyError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(f"{path}: not valid TOML: {error}") from None
    try:
        return Policy.model_validate(data).model_copy(update={"source": str(path)})
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        line = _line_of(text, first["loc"])
        raise PolicyError(f"{path}:{line}: {where}: {first['msg']}") from None


def _line_of(text: str, loc: tuple) -> int:
    """The line a validation error points at: the rule's table, then the key within it."""
    lines = text.splitlines()
    start = 0
    if "rules" in loc:
        index = loc[loc.index("rules") + 1] if len(loc) > loc.index("rules") + 1 else 0
        header = re.compile(r"^\s*\[\[\s*(tenants\.[^\]]+\.)?approval\.rules\s*\]\]")
        tenant = loc[1] if loc and loc[0] == "tenants" else None
        found = [n for n, line in enumerate(lines) if header.match(line)
                 and (tenant is None) == ("tenants." not in line)
                 and (tenant is None or f"tenants.{tenant}." in line)]
        if isinstance(index, int) and index < len(found):
            start = found[index]
    keys = [part for part in loc if isinstance(part, str)]
    for key in reversed(keys):
        for number in range(start, len(lines)):
            if re.search(rf"(^|[\s{{,.]){re.escape(key)}\s*=", lines[number]):
                return number + 1
    return start + 1
