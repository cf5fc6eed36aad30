"""Access tokens in stream URLs never reach the server log."""

from __future__ import annotations

import logging

from precinct.api.logging import RedactTokens


def test_access_log_line_is_redacted():
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", "/api/v1/stream?access_token=eyJabc.def.ghi&x=1", "1.1", 200),
                               None)
    assert RedactTokens().filter(record)
    line = record.getMessage()
    assert "eyJabc" not in line and "access_token=[redacted]&x=1" in line
