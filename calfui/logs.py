"""No secret in the app's log: every log line of the app's process (Streamlit's, uvicorn's, the app's own, any
library's) passes through `redact` when it is made, at every log level.

Secrets that travel in addresses: a coach's link (`?share=<token>`), a login's return (`/oauth2callback?code=...&
state=...`), a calendar feed (`/calendar/<token>.ics`) and a download (`/media/<file id>.csv`: the export, the PDF
report; anyone with the address can fetch the file while it is kept). Streamlit logs download file ids at debug level
("Adding media file <id>"), and a library's error can quote an address. `redact` masks the value after a secret
query key, the segment after /calendar/ and /media/, and any other run of 32 or more token characters with a digit
in it (a file id, a session id, a token outside an address); names in tracebacks (no digit) are kept.
"""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any

MASK = "<redacted>"
_QUERY = re.compile(r"(?i)\b(share|code|state|token|access_token|id_token|refresh_token)=[^&\s\"'#<>]+")
_PATH = re.compile(r"/(calendar|media)/[^/\s\"'?#<>]+")
_TOKEN = re.compile(r"(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*[0-9])[A-Za-z0-9_-]{32,}(?![A-Za-z0-9_-])")
_INSTALLED = "_calf_redacting"


def redact(text: str) -> str:
    """`text` with every secret it could carry replaced by <redacted>."""
    text = _QUERY.sub(lambda found: f"{found.group(1)}={MASK}", text)
    text = _PATH.sub(lambda found: f"/{found.group(1)}/{MASK}", text)
    return _TOKEN.sub(MASK, text)


def mask_secrets() -> None:
    """Redact every log record of this process from now on (once; a second call changes nothing)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, _INSTALLED, False):
        return

    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: logging reports it itself when the line is written
            return record
        record.msg, record.args = redact(message), ()
        if record.exc_info and record.exc_info[1] is not None:
            # What the formatter would write (Formatter.formatException), redacted; it uses exc_text when set.
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return record

    setattr(make_record, _INSTALLED, True)
    logging.setLogRecordFactory(make_record)
