"""Which LLM engine runs, and how it reaches its provider. Only this class reads the environment."""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class LLMSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SUPPORTDESK_", extra="ignore", env_ignore_empty=True
    )

    llm: str = Field(
        default="offline",
        description="The engine: 'offline' (deterministic, no network), 'anthropic:<model>' "
        "or 'openai:<model>', e.g. 'anthropic:claude-sonnet-5' or 'openai:gpt-5.4-mini'.",
    )
    anthropic_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SUPPORTDESK_ANTHROPIC_API_KEY", "ANTHROPIC_API_KEY"),
        description="API key for 'anthropic:<model>' (ANTHROPIC_API_KEY is read too).",
    )
    anthropic_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("SUPPORTDESK_ANTHROPIC_BASE_URL", "ANTHROPIC_BASE_URL"),
        description="Alternative Anthropic endpoint (a gateway, or a local fake in tests).",
    )
    openai_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SUPPORTDESK_OPENAI_API_KEY", "OPENAI_API_KEY"),
        description="API key for 'openai:<model>' (OPENAI_API_KEY is read too).",
    )
    openai_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("SUPPORTDESK_OPENAI_BASE_URL", "OPENAI_BASE_URL"),
        description="Alternative OpenAI-compatible endpoint.",
    )
    llm_timeout: float = Field(
        default=60.0, gt=0, description="Seconds to wait for one provider response."
    )
    llm_max_retries: int = Field(
        default=2, ge=0, le=10, description="Retries of a failed provider call (with backoff)."
    )
    llm_max_output_tokens: int = Field(
        default=2048, ge=256, le=32_768, description="Most tokens a provider may answer with."
    )
