"""Where notifications go: a webhook (signed) and email over SMTP; unset channels are off."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AnyHttpUrl, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class NotifySettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SUPPORTDESK_NOTIFY_", extra="ignore", env_ignore_empty=True
    )

    webhook_url: AnyHttpUrl | None = Field(
        default=None, description="POST each notification here as JSON (a team chat's "
        "incoming webhook, or your own receiver)."
    )
    webhook_secret: SecretStr | None = Field(
        default=None, description="Signs each body: X-Supportdesk-Signature: sha256=<hex "
        "HMAC-SHA256 of the body>."
    )
    webhook_format: Literal["json", "slack"] = Field(
        default="json", description="'json': the full notification; 'slack': a Slack-"
        "compatible message ({\"text\": …}), which Mattermost and others accept too."
    )
    smtp_host: str | None = Field(default=None, description="SMTP server for email; unset: off.")
    smtp_port: int = Field(default=587, ge=1, le=65535, description="SMTP port.")
    smtp_starttls: bool = Field(default=True, description="Upgrade to TLS with STARTTLS.")
    smtp_ca_file: Path | None = Field(
        default=None, description="CA bundle to verify the SMTP server (a private CA)."
    )
    smtp_username: str | None = Field(default=None, description="SMTP login, if it needs one.")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password.")
    smtp_from: str = Field(default="supportdesk@localhost", description="The From address.")
    link_base: AnyHttpUrl | None = Field(
        default=None, description="Your support tool's URL: links become <base>/approvals/<id>,"
        " <base>/tickets/<id>; unset: the MCP resource URI."
    )
    max_attempts: int = Field(default=8, ge=1, description="Tries before a dead letter.")
    backoff_seconds: float = Field(default=2.0, gt=0, description="First retry delay; doubles.")
    backoff_max_seconds: float = Field(default=600.0, gt=0, description="Longest retry delay.")
    poll_seconds: float = Field(default=1.0, gt=0, description="How often due retries are sent.")

    @model_validator(mode="after")
    def _login_needs_both(self) -> NotifySettings:
        if (self.smtp_username is None) != (self.smtp_password is None):
            raise ValueError("SUPPORTDESK_NOTIFY_SMTP_USERNAME and SUPPORTDESK_NOTIFY_SMTP_"
                             "PASSWORD go together")
        return self

    @property
    def any_channel(self) -> bool:
        return self.webhook_url is not None or self.smtp_host is not None
