"""Logging: plain text locally, one JSON object a line in production. No personal data."""

from __future__ import annotations

import json
import logging
import re
import sys

# The mailed download links carry their proof in the path (/api/v1/links/<token>): anyone who
# reads a log line could download the contract. Every log line has the token replaced.
LINK_TOKEN = re.compile(r"(/api/v1/links/)[^\s?\"'/]+")
HIDDEN = r"\1[verborgen]"


def redact(text: str) -> str:
    """`text` with every download-link token hidden."""
    return LINK_TOKEN.sub(HIDDEN, text)


class RedactLinks(logging.Filter):
    """Hides link tokens in a record's message (the werkzeug request lines included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/links/" in message:
            record.msg, record.args = redact(message), None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line with time, level, logger, message and `extra` fields."""

    RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message"}

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in self.RESERVED})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(fmt: str, level: str) -> None:
    """Set up the root logger once for the process."""
    root = logging.getLogger()
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for old in [h for h in root.handlers if getattr(h, "_tekenklaar", False)]:
        root.removeHandler(old)
    handler._tekenklaar = True  # type: ignore[attr-defined]
    handler.addFilter(RedactLinks())
    root.addHandler(handler)
    # The development server logs request lines through its own handler.
    werkzeug = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactLinks) for f in werkzeug.filters):
        werkzeug.addFilter(RedactLinks())
    root.setLevel(level)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
