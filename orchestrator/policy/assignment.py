"""Who gets a ticket: a group per category and one for escalations; round-robin within a group
(the CRM keeps the turn, so replicas share it).

    [assignment]
    categories = { billing = "billing", "data-export" = "tier2" }
    escalation = "tier2"
    [assignment.groups]
    billing = ["ana@acme.test", "ben@acme.test"]
    tier2 = ["lead@acme.test"]
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class AssignmentSection(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    groups: dict[str, list[str]] = Field(
        default_factory=dict, description="Group name -> its agents, in round-robin order."
    )
    categories: dict[str, str] = Field(
        default_factory=dict, description="Ticket category -> the group that gets it."
    )
    escalation: str | None = Field(
        default=None, description="The group that gets requests handed to a human."
    )

    @model_validator(mode="after")
    def _groups_exist(self) -> AssignmentSection:
        for name, members in self.groups.items():
            if not members:
                raise ValueError(f"group {name!r} has no agents")
        named = [*self.categories.values(), *([self.escalation] if self.escalation else [])]
        for group in named:
            if group not in self.groups:
                raise ValueError(f"group {group!r} is not in [assignment.groups]")
        return self

    def group_for(self, category: str) -> str | None:
        return self.categories.get(category)
