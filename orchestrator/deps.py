"""What the graph's agents work with, handed in per run (never checkpointed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from events import EventPublisher
from orchestrator.engines.base import LLMEngine
from orchestrator.policy import BUILT_IN, Policy

if TYPE_CHECKING:  # the MCP client stays out of the domain's imports
    from orchestrator.support_tools import SupportTools


@dataclass(frozen=True)
class Deps:
    tools: SupportTools
    """The knowledge-base, CRM and memory servers, reached as an MCP client."""
    engine: LLMEngine
    publisher: EventPublisher
    policy: Policy = field(default_factory=lambda: BUILT_IN)
    """The team's rules: who must approve what."""
