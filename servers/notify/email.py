"""The email channel: one message per notification to the policy's recipients for its type
(and the ticket group's agents), over SMTP with STARTTLS and a login when configured."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

from servers.notify.notices import Notice


class EmailChannel:
    name = "email"

    def __init__(self, host: str, port: int, *, sender: str, starttls: bool = True,
                 ca_file: Path | None = None, username: str | None = None,
                 password: str | None = None, timeout: float = 15.0) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.starttls, self.ca_file = starttls, ca_file
        self.username, self.password, self.timeout = username, password, timeout

    def render(self, notice: Notice, recipients: list[str]) -> dict[str, Any] | None:
        if not recipients:
            return None
        lines = [notice.summary]
        if notice.subject:
            lines.append(f"Subject: {notice.subject}")
        lines += [f"{name}: {value}" for name, value in notice.ids.items()]
        if notice.link:
            lines.append(f"Open: {notice.link}")
        return {"to": recipients, "subject": f"[supportdesk] {notice.type}: {notice.summary}"[:200],
                "text": "\n".join(lines) + "\n"}

    async def send(self, payload: dict[str, Any], key: str) -> None:
        await asyncio.to_thread(self._send, payload, key)

    def _send(self, payload: dict[str, Any], key: str) -> None:
        message = EmailMessage()
        message["From"], message["To"] = self.sender, ", ".join(payload["to"])
        message["Subject"] = payload["subject"]
        # One Message-ID per delivery key: a receiver can drop a retry it already has.
        message["Message-ID"] = make_msgid(idstring=key.replace(":", "."), domain="supportdesk")
        message.set_content(payload["text"])
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                context = ssl.create_default_context(
                    cafile=str(self.ca_file) if self.ca_file else None)
                smtp.starttls(context=context)
            if self.username and self.password:
                smtp.login(self.username, self.password)
            smtp.send_message(message)
