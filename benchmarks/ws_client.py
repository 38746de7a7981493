"""A lightweight Streamlit client: one websocket on /_stcore/stream speaking Streamlit's own protobufs, the way the
browser does, without drawing anything. For load tests on loopback.

What the browser does, as seen in Chromium's frames (BackMsg, sent) and checked against the server code:
- it opens ws://host/_stcore/stream with the subprotocol "streamlit" and sends a BackMsg `rerun_script`
  (a ClientState: query string, page_script_hash, widget_states, context_info) for the first run;
- the server answers with ForwardMsgs, one per websocket frame: new_session, navigation (the pages and their
  script hashes), deltas (elements; every widget carries its id, "$$ID-<hash>-<key>"), and script_finished
  (FINISHED_EARLY_FOR_RERUN when the script called st.rerun(), then another run, then FINISHED_SUCCESSFULLY);
- a click sends another `rerun_script` holding the values of the page's widgets: a button as trigger_value, a
  form's submit button with every field of its form, a selectbox as the text of the chosen option; moving to
  another page sends that page's script hash with the sidebar's widget values.
A round trip here is from sending a BackMsg to the FINISHED_SUCCESSFULLY that ends its last run.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ContextInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

_WIDGET_ID = re.compile(r"^\$\$ID-[0-9a-f]+-(.+)$")
FINISHED = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY")
EARLY_FOR_RERUN = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_EARLY_FOR_RERUN")


class ProtocolError(RuntimeError):
    """The app answered with an exception, 'page not found', or a compile error."""


@dataclass
class Page:
    """What the last round trip drew: widgets by key (their ids), alert texts, and everything else counted."""

    widgets: dict[str, str] = field(default_factory=dict)
    alerts: list[str] = field(default_factory=list)
    elements: int = 0
    messages: int = 0
    bytes: int = 0


class StreamlitClient:
    def __init__(self, base_url: str, timeout: float = 60):
        self.http = base_url.rstrip("/")
        self.ws_url = self.http.replace("http://", "ws://", 1) + "/_stcore/stream"
        self.timeout = timeout
        self.pages: dict[str, str] = {}  # url path -> page script hash, for every page seen in any navigation
        self.known: dict[str, str] = {}  # widget key -> id, for every widget seen so far (the sidebar's too)
        self.page = Page()
        self.page_hash = ""
        self.query = ""
        self._ws: ClientConnection | None = None

    async def __aenter__(self) -> StreamlitClient:
        host = self.http.split("://", 1)[1].split("/", 1)[0].split(":", 1)[0]
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError(f"loopback only, not {host}")
        self._ws = await connect(
            self.ws_url,
            subprotocols=[Subprotocol("streamlit")],
            proxy=None,
            ping_interval=None,
            max_size=64 * 2**20,
            open_timeout=self.timeout,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._ws is not None:
            await self._ws.close()

    # -- requests ---------------------------------------------------------------------------------------------

    async def run(
        self,
        *,
        page: str | None = None,
        query: str | None = None,
        widgets: dict[str, Any] | None = None,
        trigger: str | None = None,
    ) -> float:
        """Ask for a rerun (of `page`, by url path; with `query` as the query string), sending `widgets`
        (values by widget key) and a click on `trigger` (a button's key). Returns the round trip in seconds."""
        if page is not None:
            self.page_hash = self.pages[page] if page else ""  # "": the default page of the current navigation
        if query is not None:
            self.query = query
        states = []
        for key, value in (widgets or {}).items():
            states.append(_state(self._id(key), value))
        if trigger is not None:
            states.append(WidgetState(id=self._id(trigger), trigger_value=True))
        message = BackMsg()
        rerun = message.rerun_script
        rerun.query_string = self.query
        rerun.page_script_hash = self.page_hash
        rerun.widget_states.widgets.extend(states)
        page_path = next((p for p, h in self.pages.items() if h == self.page_hash), "")
        rerun.context_info.CopyFrom(
            ContextInfo(
                timezone="UTC",
                timezone_offset=0,
                locale="en-US",
                is_embedded=False,
                color_scheme="light",
                url=f"{self.http}/{page_path}" + (f"?{self.query}" if self.query else ""),
            )
        )
        started = time.perf_counter()
        assert self._ws is not None
        await self._ws.send(message.SerializeToString())
        await asyncio.wait_for(self._read_until_finished(), self.timeout)
        return time.perf_counter() - started

    def _id(self, key: str) -> str:
        """A widget's id by its key, or by the field's name when the key also names the runner, the record and a
        task (`straight_left` for `r3_record_t1_straight_left`; calfui.state): the page just drawn first."""
        if key in self.known:
            return self.known[key]
        pattern = re.compile(rf"(\w+_)?{re.escape(key)}(_[0-9a-f]+)*")
        for widgets in (self.page.widgets, self.known):
            found = [widget_id for name, widget_id in widgets.items() if pattern.fullmatch(re.sub(r"^r\d+_", "", name))]
            if len(found) == 1:
                return found[0]
        raise ProtocolError(f"no widget with key {key!r} on the page")

    async def _read_until_finished(self) -> None:
        assert self._ws is not None
        page = Page()
        while True:
            payload = await self._ws.recv(decode=False)
            message = ForwardMsg()
            message.ParseFromString(payload)
            page.messages += 1
            page.bytes += len(payload)
            kind = message.WhichOneof("type")
            if kind == "new_session":
                page = Page(messages=page.messages, bytes=page.bytes)  # a new run draws the page afresh
                self.page_hash = message.new_session.page_script_hash
            elif kind == "navigation":
                self.pages.update(
                    {p.url_pathname: p.page_script_hash for p in message.navigation.app_pages if p.url_pathname}
                )
            elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                self._element(message.delta.new_element, page)
            elif kind == "page_not_found":
                raise ProtocolError(f"page not found: {message.page_not_found.page_name!r}")
            elif kind == "script_finished":
                if message.script_finished == FINISHED:
                    self.page = page
                    self.known.update(page.widgets)
                    return
                if message.script_finished != EARLY_FOR_RERUN:
                    raise ProtocolError(f"script finished with status {message.script_finished}")

    @staticmethod
    def _element(element: Any, page: Page) -> None:
        kind = element.WhichOneof("type")
        page.elements += 1
        if kind == "exception":
            raise ProtocolError(f"the app raised {element.exception.type}: {element.exception.message}")
        if kind == "alert":
            page.alerts.append(element.alert.body)
            return
        widget_id = getattr(getattr(element, kind), "id", "") if kind else ""
        match = _WIDGET_ID.match(widget_id) if isinstance(widget_id, str) else None
        if match:
            page.widgets[match.group(1)] = widget_id


def _state(widget_id: str, value: Any) -> WidgetState:
    state = WidgetState(id=widget_id)
    if isinstance(value, bool):
        state.bool_value = value
    elif isinstance(value, int):
        state.int_value = value
    elif isinstance(value, float):
        state.double_value = value
    elif isinstance(value, str):
        state.string_value = value
    else:
        raise TypeError(f"no widget state for {value!r}")
    return state
