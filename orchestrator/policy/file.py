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

    [sla] / [assignment] / [notifications]   # see orchestrator.policy.sla, .assignment, .notices
    [tenants.acme.sla]                        # any section, per tenant, replaces the top one

A mistake is reported with the file, the line and the field (``PolicyError``).
"""

from __future__ import annotations

import re
import tomllib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from orchestrator.policy.approval import BUILT_IN_RULES, ApprovalRule
from orchestrator.policy.assignment import AssignmentSection
from orchestrator.policy.notices import NoticesSection
from orchestrator.policy.sla import DueTimes, SlaSection


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
    sla: SlaSection | None = None
    assignment: AssignmentSection | None = None
    notifications: NoticesSection | None = None


class Policy(BaseModel):
    """The policy in force: the file's, or the built-in one when there is no file."""

    model_config = ConfigDict(extra="forbid")

    approval: ApprovalSection = Field(default_factory=ApprovalSection)
    sla: SlaSection = Field(default_factory=SlaSection)
    assignment: AssignmentSection = Field(default_factory=AssignmentSection)
    notifications: NoticesSection = Field(default_factory=NoticesSection)
    tenants: dict[str, TenantPolicy] = Field(default_factory=dict)
    source: str = Field(default="built-in", exclude=True)

    def _section(self, tenant: str, name: str) -> Any:
        own = getattr(self.tenants.get(tenant), name, None)
        return own if own is not None else getattr(self, name)

    def approval_rules(self, tenant: str) -> tuple[ApprovalRule, ...]:
        return self._section(tenant, "approval").effective()

    def sla_for(self, tenant: str) -> SlaSection:
        return self._section(tenant, "sla")

    def assignment_for(self, tenant: str) -> AssignmentSection:
        return self._section(tenant, "assignment")

    def notices_for(self, tenant: str) -> NoticesSection:
        return self._section(tenant, "notifications")

    # --- what the CRM asks (servers.crm.ticket_policy.TicketPolicy) ---------------------

    def due_times(self, tenant: str, priority: str, tier: str | None,
                  opened_at: datetime) -> DueTimes:
        return self.sla_for(tenant).due_times(priority, tier, opened_at)

    def warn_before(self, tenant: str) -> timedelta:
        return self.sla_for(tenant).warn_before

    def longest_warning(self) -> timedelta:
        sections = [self.sla, *(t.sla for t in self.tenants.values() if t.sla is not None)]
        return max(section.warn_before for section in sections)

    def group_for(self, tenant: str, category: str) -> str | None:
        return self.assignment_for(tenant).group_for(category)

    def escalation_group(self, tenant: str) -> str | None:
        return self.assignment_for(tenant).escalation

    def members(self, tenant: str, group: str) -> list[str]:
        return list(self.assignment_for(tenant).groups.get(group, []))

    def in_force(self, tenant: str) -> dict[str, Any]:
        """What applies to ``tenant``, for people to read (the workflow://policy resource)."""
        return {
            "source": self.source,
            "tenant": tenant,
            "approval_rules": [rule.model_dump(exclude_none=True) | {
                "when": rule.when.model_dump(exclude_none=True)} for rule in
                self.approval_rules(tenant)],
            "sla": self.sla_for(tenant).model_dump(mode="json", exclude_none=True),
            "assignment": self.assignment_for(tenant).model_dump(mode="json"),
            "notifications": self.notices_for(tenant).model_dump(mode="json"),
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
