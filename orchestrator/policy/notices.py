"""Who is told what: recipients per notification type (and the ticket's group), the reminder
delay for approvals still waiting, and how much of the ticket a notification may show.

    [notifications]
    reminder_after = "1h"
    include = ["subject"]                        # [] for ids only
    notify_group = true                          # also email the ticket's assignment group
    [notifications.recipients]
    "approval.waiting" = ["leads@acme.test"]
    "sla.breached" = ["leads@acme.test", "head-of-support@acme.test"]
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from orchestrator.policy.sla import Duration

NoticeType = Literal[
    "approval.waiting", "approval.reminder", "sla.warning", "sla.breached",
    "request.escalated", "request.failed",
]
NOTICE_TYPES: tuple[str, ...] = NoticeType.__args__  # type: ignore[attr-defined]


class NoticesSection(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    reminder_after: Duration = Field(
        default=timedelta(hours=1), description="approval.reminder when a decision still waits."
    )
    include: list[Literal["subject"]] = Field(
        default_factory=lambda: ["subject"],
        description="What a notification may show beyond ids: the ticket subject, or nothing.",
    )
    notify_group: bool = Field(
        default=True, description="Email the members of the ticket's assignment group too."
    )
    recipients: dict[NoticeType, list[str]] = Field(
        default_factory=dict, description="Email recipients per notification type."
    )
    types: list[NoticeType] = Field(
        default_factory=lambda: list(NOTICE_TYPES), description="Which notifications are sent."
    )
