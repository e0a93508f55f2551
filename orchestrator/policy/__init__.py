"""The support team's policy: approval rules (built in, or from a TOML file, per tenant)."""

from orchestrator.policy.approval import (
    BUILT_IN_RULES,
    MAX_REVIEW_FAILURES,
    MIN_CONFIDENCE,
    ApprovalRule,
    Condition,
    needs_approval,
)
from orchestrator.policy.file import BUILT_IN, Policy, PolicyError, load_policy
from orchestrator.policy.settings import PolicySettings, policy_from_settings

__all__ = [
    "BUILT_IN",
    "BUILT_IN_RULES",
    "MAX_REVIEW_FAILURES",
    "MIN_CONFIDENCE",
    "ApprovalRule",
    "Condition",
    "Policy",
    "PolicyError",
    "PolicySettings",
    "load_policy",
    "needs_approval",
    "policy_from_settings",
]
