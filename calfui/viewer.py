"""Who is asking: the viewer of this rerun (local, logged in, a coach through a share link...) and their owner key."""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from enum import StrEnum

import streamlit as st

from calfcore.sharing import ResolvedShare, token_hash, well_formed
from calfstore import LOCAL_OWNER, Store, StoreError
from calfui import run_versions


class ViewerKind(StrEnum):
    LOCAL = "local"  # no [auth] in secrets: this machine's own runner profiles, no login
    RUNNER = "runner"  # hosted, logged in: their own profiles only
    ANONYMOUS = "anonymous"  # hosted, not logged in: public pages and the login button only
    VISITOR = "visitor"  # local mode, another machine: public pages and share links only, never the data
    COACH = "coach"  # opened a live share link: one runner's dashboard, read-only
    BAD_LINK = "bad_link"  # a share link that is unknown, revoked, expired or malformed: a message, no data


@dataclass(frozen=True)
class Viewer:
    kind: ViewerKind
    owner_key: str | None = None
    display_name: str = ""
    share: ResolvedShare | None = None
    # A coach who is also logged in (hosted): their own key, for their roster, comments and notes. Never the
    # runner's data: what they read through the link is scoped to `owner_key`, the runner's owner.
    coach_key: str | None = None

    @property
    def owns_data(self) -> bool:
        """Local and logged-in viewers own runner profiles and may change them; coaches only read."""
        return self.kind in (ViewerKind.LOCAL, ViewerKind.RUNNER)


def auth_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all: local mode
        return False


def owner_key_for(issuer: str, subject: str) -> str:
    """A logged-in runner's data is keyed by the provider's issuer and subject (stable across email changes)."""
    return f"oidc:{issuer}|{subject}"


# "Last opened" on the Share page is kept to the minute: stamping it on every coach click would be a write per rerun.
LAST_OPENED_RESOLUTION = dt.timedelta(minutes=1)


def resolve_viewer(store: Store, now: dt.datetime) -> Viewer:
    """Who is looking, decided afresh on every rerun. A share link is never cached: revoking it works at once."""
    if "share" in st.query_params:
        token = st.query_params.get("share")
        if not well_formed(token):
            return Viewer(ViewerKind.BAD_LINK)
        resolved = store.resolve_share(token_hash(token), now)
        if resolved is None:
            return Viewer(ViewerKind.BAD_LINK)
        last = resolved.link.last_used_at
        try:
            if last is None or now - last >= LAST_OPENED_RESOLUTION:  # not a write on every click
                store.mark_share_used(resolved.owner_key, resolved.runner_id, resolved.link.id, now)
                run_versions.forget()  # the stamp is a change of the runner's data: this run reads it afresh
        except StoreError:
            pass  # "last opened" is a courtesy: a full disk must not keep the coach from reading
        login = _logged_in() if auth_configured() else None
        return Viewer(
            ViewerKind.COACH,
            owner_key=resolved.owner_key,
            share=resolved,
            coach_key=login[0] if login else None,
            display_name=login[1] if login else "",
        )
    if not auth_configured():
        # Local mode has no login: the data belongs to whoever sits at this machine, and nobody else.
        if from_this_machine(st.context.ip_address):
            return Viewer(ViewerKind.LOCAL, owner_key=LOCAL_OWNER)
        return Viewer(ViewerKind.VISITOR)
    login = _logged_in()
    if login is not None:
        return Viewer(ViewerKind.RUNNER, owner_key=login[0], display_name=login[1])
    return Viewer(ViewerKind.ANONYMOUS)


def _logged_in() -> tuple[str, str] | None:
    """The logged-in person's owner key and name (hosted mode), or None."""
    if st.user.get("is_logged_in", False):
        issuer, subject = st.user.get("iss"), st.user.get("sub")
        if issuer and subject:
            name = st.user.get("name") or st.user.get("email") or ""
            return owner_key_for(str(issuer), str(subject)), str(name)
    return None


def from_this_machine(ip_address: str | None) -> bool:
    """A loopback client (Streamlit reports 127.0.0.1 and ::1 as None). Behind a reverse proxy on this machine,
    the proxy must pass the client's address (X-Forwarded-For), or every visitor would count as this machine."""
    if ip_address is None:
        return True
    if not isinstance(ip_address, str):  # AppTest's stand-in client (no network at all); a server gives str or None
        return True
    try:
        return ipaddress.ip_address(ip_address).is_loopback
    except ValueError:
        return False
