"""The webhook channel: one POST per notification, JSON (or a Slack-compatible message),
signed with HMAC-SHA256 over the exact body bytes."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import httpx

from servers.notify.notices import Notice

SIGNATURE_HEADER = "X-Supportdesk-Signature"


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookChannel:
    name = "webhook"

    def __init__(self, url: str, secret: str | None, format_: str = "json",
                 timeout: float = 10.0) -> None:
        self.url, self.secret, self.format = url, secret, format_
        self.timeout = timeout

    def render(self, notice: Notice, recipients: list[str]) -> dict[str, Any] | None:
        if self.format == "slack":
            line = notice.summary + (f" — {notice.subject}" if notice.subject else "")
            link = f" <{notice.link}|open>" if notice.link else ""
            return {"text": f"*{notice.type}* {line}{link}"}
        return notice.model_dump(exclude_none=True)

    async def send(self, payload: dict[str, Any], key: str) -> None:
        body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
        headers = {"Content-Type": "application/json", "X-Supportdesk-Delivery": key,
                   "User-Agent": "supportdesk-notify"}
        if self.secret:
            headers[SIGNATURE_HEADER] = sign(body, self.secret)
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            response = await client.post(self.url, content=body, headers=headers)
        response.raise_for_status()
