"""What the app's web server adds to Streamlit's: app.py builds its `st.App` from these.

`streamlit run app.py` finds `app = st.App(...)` in app.py and serves it (Streamlit's own Starlette server, with
this middleware in front); every session then runs app.py as its script, as before.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.middleware import Middleware

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# A coach's link carries its token in the address (?share=...): without this, the browser sends that address as
# the Referer of every asset the page loads (119 requests in the audit), and any proxy log in between keeps it.
REFERRER_POLICY = b"no-referrer"


class ReferrerPolicy:
    """Adds `Referrer-Policy: no-referrer` to every HTTP response (pages, assets, media, uploads)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value) for name, value in message.get("headers", []) if name.lower() != b"referrer-policy"
                ]
                message = {**message, "headers": [*headers, (b"referrer-policy", REFERRER_POLICY)]}
            await send(message)

        await self.app(scope, receive, with_policy)


MIDDLEWARE = [Middleware(ReferrerPolicy)]


def serve_pages_by_navigation_only() -> None:
    """Tell Streamlit before the first session that app.py's st.navigation decides the pages.

    Streamlit treats a `pages/` folder beside the main script as the old multipage layout until some script run
    calls st.navigation. So on a fresh server the first visit by a deep link (/record) was looked up among the
    folder's file names (record_page...) and showed a "Page not found" dialog before app.py's navigation ran. The
    flag is Streamlit's own (PagesManager.uses_pages_directory), set the way st.navigation sets it.
    """
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
