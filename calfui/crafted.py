"""A request carrying a widget value that no control on the page can send gets a plain message, not an error.

The browser only sends values its widgets allow, but anyone can write to the websocket: a date box sent a number,
a choice sent text none of its options has. Streamlit raises while reading such a value back (before the script,
to see which widgets changed, or when the page draws the widget), which showed a redacted error and wrote a
traceback to the log for every crafted message. app.py's st.App hands every uncaught error to `on_script_error`:
exactly those raised inside Streamlit's reading of a widget value become a short message and one log line; any
other error is a bug and is shown and logged as before.
"""

from __future__ import annotations

import logging
import os
from types import TracebackType

import streamlit as st

MESSAGE = (
    "This page received a value none of its controls can send, so it stopped here. Nothing was saved. "
    "Reload the page to carry on."
)
_LOG = logging.getLogger("calfcheck.requests")
# Where Streamlit turns a value sent by the browser back into the widget's value.
_READING_FUNCTIONS = frozenset({"deserialize", "get_serialized", "_get_upload_files"})
_STREAMLIT = f"{os.sep}streamlit{os.sep}"


def from_a_widget_value(error: BaseException) -> bool:
    """Whether `error` was raised while Streamlit read a widget value sent by the browser."""
    trace: TracebackType | None = error.__traceback__
    while trace is not None:
        code = trace.tb_frame.f_code
        if code.co_name in _READING_FUNCTIONS and _STREAMLIT in code.co_filename:
            return True
        trace = trace.tb_next
    return False


def on_script_error(error: Exception) -> bool:
    """st.App's hook for uncaught errors: True (Streamlit shows nothing more) for a crafted widget value."""
    if not from_a_widget_value(error):
        return False
    st.error(MESSAGE, icon=":material/block:")
    return True


class _OneLineForCraftedValues(logging.Filter):
    """Streamlit logs every uncaught error with its traceback before calling on_script_error: for a crafted widget
    value, one line instead (a client can send as many as it likes)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is None or not from_a_widget_value(error):
            return True
        _LOG.warning("Refused a request with a widget value its control can't send (%s)", type(error).__name__)
        return False


# Where Streamlit logs an uncaught error, and where it logs a custom component's state it could not read (it then
# carries on with an empty state, but writes the traceback: every page mounts the app's focus and drawer components).
_LOGGERS_OF_CRAFTED_VALUES = ("streamlit.error_util", "streamlit.components.v2.bidi_component.serialization")


def quiet_log() -> None:
    for name in _LOGGERS_OF_CRAFTED_VALUES:
        logging.getLogger(name).addFilter(_OneLineForCraftedValues())
