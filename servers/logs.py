"""Logging for every process: stderr only, since stdout carries the stdio protocol.

Our own code logs ids, never emails or phone numbers. Third-party DEBUG logs may (fastmcp
logs tool arguments, drivers their parameters), so every handler also scrubs them.
"""

from __future__ import annotations

import json
import logging
import re
import sys

from servers.correlation import CorrelationFields

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# International (+44 20 7946 0001) and North American ((555) 010-0199, 555-010-0199) styles.
_PHONE = re.compile(
    r"\+\d{1,3}(?:[\s.-]?\(?\d+\)?){2,6}"
    r"|\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b"
)


def redact(text: str) -> str:
    return _PHONE.sub("[phone]", _EMAIL.sub("[email]", text))


class RedactPii(logging.Filter):
    """Replace email addresses and phone numbers in a record's message before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class JsonLines(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request and correlation ids."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "correlation_id": getattr(record, "correlation_id", None),
        }
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps({k: v for k, v in entry.items() if v is not None})


def configure_logging(level: str = "INFO", fmt: str = "json") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonLines() if fmt == "json"
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    handler.addFilter(CorrelationFields())
    handler.addFilter(RedactPii())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    handler.addFilter(CallerMistakesAtInfo())
    # Migrations announce every plugin and step at INFO: noise on every start.
    logging.getLogger("alembic").setLevel(max(logging.WARNING, root.level))
    # fastmcp installs its own (rich, multi-line) handlers when imported, and uvicorn would
    # install its own when started: both go through ours instead, one JSON line per record.
    import fastmcp  # noqa: F401

    for name in THIRD_PARTY_LOGGERS:
        third_party = logging.getLogger(name)
        third_party.handlers[:] = []
        third_party.propagate = True
    logging.getLogger("uvicorn.access").setLevel(max(logging.WARNING, root.level))


# Loggers that come with handlers of their own; theirs are dropped for ours.
THIRD_PARTY_LOGGERS = ("fastmcp", "mcp", "uvicorn", "uvicorn.error", "uvicorn.access")


class CallerMistakesAtInfo(logging.Filter):
    """fastmcp logs a call with invalid arguments as a WARNING: it is the caller's mistake,
    answered in the result, so it is an INFO line here (WARNING and above are for operators)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if (record.levelno == logging.WARNING and record.name.startswith("fastmcp")
                and str(record.msg).startswith("Invalid arguments for tool")):
            record.levelno, record.levelname = logging.INFO, "INFO"
            return logging.INFO >= logging.getLogger().getEffectiveLevel()
        return True
