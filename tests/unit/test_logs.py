"""calfui.logs: every log line of the app's process is redacted when it is made, whatever the logger and level."""

from __future__ import annotations

import io
import logging

from calfui.logs import MASK, mask_secrets, redact

TOKEN = "Tok3nThatMustNeverBeLogged_abcdefghijklmnopqrst"
FILE_ID = "b1437c197fa25c1a53778a342f0b150e"


def test_redact_masks_every_secret_an_address_carries() -> None:
    line = (
        f"GET /?share={TOKEN}&runner=3 /oauth2callback?state={TOKEN}&code=abc123 /calendar/{TOKEN}.ics "
        f"/media/{FILE_ID}.csv Adding media file {FILE_ID} session 1b4e28ba-2fa1-11d2-883f-0016d3cca427"
    )
    redacted = redact(line)
    for secret in (TOKEN, FILE_ID, "abc123", "1b4e28ba"):
        assert secret not in redacted, redacted
    assert "runner=3" in redacted and f"share={MASK}" in redacted and f"/calendar/{MASK}" in redacted
    # Names in a traceback carry no digit and stay readable.
    assert redact("in _maybe_handle_execution_control_request") == "in _maybe_handle_execution_control_request"


def test_every_record_is_redacted_at_any_level_with_its_traceback() -> None:
    before = logging.getLogRecordFactory()
    mask_secrets()
    mask_secrets()  # once is enough; twice changes nothing
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    logger = logging.getLogger("tests.unit.test_logs")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        logger.debug("Adding media file %s", FILE_ID)
        try:
            raise ValueError(f"bad address /calendar/{TOKEN}.ics")
        except ValueError:
            logger.exception("feed failed for %s", f"/?share={TOKEN}")
    finally:
        logger.removeHandler(handler)
        logging.setLogRecordFactory(before)  # the rest of the test run logs as before
    text = out.getvalue()
    assert TOKEN not in text and FILE_ID not in text, text
    assert "Adding media file <redacted>" in text and "ValueError: bad address /calendar/<redacted>" in text
