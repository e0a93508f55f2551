"""Where the policy file is: unset, the built-in policy applies."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from orchestrator.policy.file import BUILT_IN, Policy, load_policy


class PolicySettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SUPPORTDESK_POLICY_", extra="ignore", env_ignore_empty=True
    )

    path: Path | None = Field(
        default=None,
        description="TOML policy file (approval rules, per tenant where it says so); unset: "
        "the built-in policy. `supportdesk policy check FILE` validates one.",
    )


def policy_from_settings(settings: PolicySettings) -> Policy:
    return BUILT_IN if settings.path is None else load_policy(settings.path)
