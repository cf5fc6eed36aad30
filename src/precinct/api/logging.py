"""Keep secrets out of server logs: access tokens passed in URLs (event streams) are redacted."""

from __future__ import annotations

import logging
import re

TOKEN_IN_QUERY = re.compile(r"(access_token=)[^&\s\"]+")


class RedactTokens(logging.Filter):
    """Replace the token in ``access_token=`` query strings with ``[redacted]`` in every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record's message and arguments; keep every record."""
        if record.args:
            record.args = tuple(TOKEN_IN_QUERY.sub(r"\1[redacted]", a) if isinstance(a, str) else a
                                for a in record.args)
        if isinstance(record.msg, str):
            record.msg = TOKEN_IN_QUERY.sub(r"\1[redacted]", record.msg)
        return True


def install() -> None:
    """Add the redaction filter to uvicorn's access and error loggers."""
    for name in ("uvicorn.access", "uvicorn.error"):
        logging.getLogger(name).addFilter(RedactTokens())
