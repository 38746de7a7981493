"""Share links and hosted identities, through the pages: a coach sees one runner read-only, until revoked."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from calfcore.sharing import new_token, token_hash
from calfstore import LOCAL_OWNER
from calfstore.tables import count_rows, table_text
from calfui.viewer import owner_key_for
from tests.app.conftest import (
    REPO,
    TIMEOUT,
    create_runner,
    go,
    open_chart_tables,
    peek_store,
    record_test,
    texts,
)
from tests.keys import keyed

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "x" * 32,
    "client_id": "calf-check",
    "client_secret": "not-a-secret",
    "server_metadata_url": "http://localhost:9400/.well-known/openid-configuration",
}


def _coach(token: str) -> AppTest:
    coach = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT)
    coach.query_params["share"] = token
    return coach.run()


def _create_link(app: AppTest, label: str = "Coach Sam", days: int | None = 30) -> str:
    go(app, "share")
    keyed(app, "text_input", "share_label").input(label)
    keyed(app, "radio", "share_expiry").set_value(days)
    keyed(app, "button", "share_create").click().run()
    [code] = app.code
    match = re.search(r"\?share=([A-Za-z0-9_-]{43})$", code.value)
    assert match, code.value
    return match.group(1)


WRITING_WIDGETS = (
    "text_input",
    "number_input",
    "text_area",
    "date_input",
    "file_uploader",
    "checkbox",
    "pills",
    "button",
    "radio",
    "selectbox",
    "toggle",
)


def _writing_widgets(at: AppTest) -> list[str]:
    return [kind for kind in WRITING_WIDGETS if len(at.get(kind))]


def test_coach_sees_the_dashboard_read_only_until_the_runner_revokes(app: AppTest, db_path: Path) -> None:
    create_runner(app, "Robin")
    record_test(app, 21, 28, pain_during_left=2)
    token = _create_link(app)
    assert "shown only once" in texts(app)

    coach = _coach(token)
    page = texts(coach)
    assert "Robin" in page and "21 raises" in page and "Limb symmetry" in page
    assert "Shared by Robin with Coach Sam" in page and "Read-only" in page
    assert len(coach.get("vega_lite_chart")) >= 3
    assert _writing_widgets(coach) == [], "the coach view has no widget that writes"
    assert not coach.sidebar.selectbox  # no runner picker, no navigation to other pages
    link = peek_store(db_path).list_share_links(LOCAL_OWNER, peek_store(db_path).list_runners(LOCAL_OWNER)[0].id)[0]
    assert link.last_used_at is not None

    keyed(app, "button", "share_done").click().run()
    keyed(app, "button", "share_revoke").click().run()
    assert "active" in app.dataframe[0].value["status"].tolist()  # Revoke asks first
    keyed(app, "button", r"share_revoke_\d+_confirm").click().run()
    assert "revoked" in app.dataframe[0].value["status"].tolist()

    keyed(coach, "segmented_control", "progress_period").set_value("Everything").run()  # the coach's next click
    page = texts(coach)
    assert "doesn't work" in page
    assert "Robin" not in page and "raises" not in page
    assert not coach.get("vega_lite_chart")


def test_the_coach_view_names_evidence_in_words_not_tag_codes(app: AppTest) -> None:
    # Issue 23: a physio reading a shared runner sees "quoted second-hand", "expert opinion", never READ-SECONDARY.
    go(app, "profile")
    keyed(app, "button", "load_demo").click().run()
    coach = open_chart_tables(_coach(_create_link(app)))
    tables = [e.value.to_csv() for e in coach.dataframe] + [e.value.to_csv() for e in coach.table]
    assert coach.table  # the charts' tables, opened
    page = "\n".join([texts(coach), *tables])
    assert "Shared by Demo runner" in page and "expert opinion" in page  # the runner target's source, in words
    for code in ("READ-PRIMARY", "READ-SECONDARY", "EXPERT OPINION", "[SEED", "SEED:"):
        assert code not in page, code


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1],  # truncated
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # tampered
        lambda t: t + "x",  # padded
        lambda t: new_token(),  # random
        lambda t: "",  # empty
        lambda t: "<script>alert(1)</script>",  # hostile
    ],
)
def test_a_wrong_token_shows_one_plain_message_and_no_data(app: AppTest, mangle) -> None:
    create_runner(app, "Robin")
    record_test(app, 21, 28)
    token = _create_link(app)
    coach = _coach(mangle(token))
    page = texts(coach)
    assert "doesn't work" in page
    assert "Robin" not in page and "raises" not in page
    assert not coach.get("vega_lite_chart")


def test_an_expired_link_stops_working(app: AppTest, db_path: Path) -> None:
    create_runner(app, "Robin")
    store = peek_store(db_path)
    runner = store.list_runners(LOCAL_OWNER)[0]
    token = new_token()
    past = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=8)
    store.create_share_link(LOCAL_OWNER, runner.id, "Old coach", token_hash(token), past + dt.timedelta(days=7), past)
    assert "doesn't work" in texts(_coach(token))
    go(app, "share")
    assert "expired" in app.dataframe[0].value["status"].tolist()


def test_a_link_that_expires_while_the_share_page_is_open_shows_expired_at_the_next_click(
    app: AppTest, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The links table is kept between runs (calfui.cache): an expiry, which no write marks, must still show."""
    create_runner(app, "Robin")
    store = peek_store(db_path)
    runner = store.list_runners(LOCAL_OWNER)[0]
    made = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    expiry = made + dt.timedelta(days=7)
    store.create_share_link(LOCAL_OWNER, runner.id, "Coach Sam", token_hash(new_token()), expiry, made)
    go(app, "share")
    assert app.dataframe[0].value["status"].tolist() == ["active"]
    assert [box.label for box in app.selectbox if box.label == "Revoke a link"] == ["Revoke a link"]
    for moment, status in ((expiry - dt.timedelta(seconds=1), "active"), (expiry, "expired")):
        monkeypatch.setattr("calfui.context.now", lambda moment=moment: moment)
        app.run()
        assert app.dataframe[0].value["status"].tolist() == [status], moment
    assert "Revoke a link" not in [box.label for box in app.selectbox]  # nothing left to revoke


def test_the_database_never_holds_the_plain_token(app: AppTest, db_path: Path) -> None:
    create_runner(app)
    token = _create_link(app)
    stored = table_text(peek_store(db_path), "share_links")
    assert token not in stored
    assert token_hash(token) in stored


def test_deleting_the_runner_kills_the_link(app: AppTest, db_path: Path) -> None:
    create_runner(app, "Robin")
    record_test(app, 21, 28)
    token = _create_link(app)
    keyed(app, "button", "share_done").click().run()
    runner = peek_store(db_path).list_runners(LOCAL_OWNER)[0]
    go(app, "profile")
    keyed(app, "button", "delete_profile").click().run()
    keyed(app, "button", r"delete_profile_confirm").click().run()
    assert set(count_rows(peek_store(db_path), runner.id).values()) == {0}  # every table of the runner
    assert "doesn't work" in texts(_coach(token))


def test_a_label_with_markup_is_refused(app: AppTest, db_path: Path) -> None:
    create_runner(app)
    go(app, "share")
    keyed(app, "text_input", "share_label").input("<b>Sam</b>")
    keyed(app, "button", "share_create").click().run()
    assert "HTML tags" in texts(app)
    assert table_text(peek_store(db_path), "share_links") == ""


# -- hosted mode ---------------------------------------------------------------------------------------


def _hosted(user: dict) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH
    at.user = user
    return at.run()


def _login(subject: str, name: str) -> dict:
    return {"is_logged_in": True, "iss": "https://id.example.org", "sub": subject, "name": name}


def test_an_anonymous_visitor_sees_only_the_public_home_page(db_path: Path) -> None:
    at = _hosted({"is_logged_in": False})
    assert not at.exception
    assert any(b.key == "login" for b in at.button)
    assert "How to do the test" in texts(at)
    for page in ("record", "dashboard", "history", "share", "profile", "routine"):
        with pytest.raises(ValueError):  # not registered for this viewer: unreachable
            at.switch_page(f"pages/{page}_page.py")


def test_two_logged_in_runners_never_see_each_other(db_path: Path) -> None:
    ann = _hosted(_login("ann-123", "Ann"))
    create_runner(ann, "Ann")
    record_test(ann, 33, 31)
    bob = _hosted(_login("bob-456", "Bob"))
    create_runner(bob, "Bob")
    record_test(bob, 18, 25)

    store = peek_store(db_path)
    [ann_profile] = store.list_runners(owner_key_for("https://id.example.org", "ann-123"))
    [bob_profile] = store.list_runners(owner_key_for("https://id.example.org", "bob-456"))
    assert store.list_runners(LOCAL_OWNER) == []

    for page in ("dashboard", "history", "routine", "share", "record", "profile"):
        go(bob, page)
        assert "Ann" not in texts(bob) and "33 raises" not in texts(bob)
    assert keyed(bob, "selectbox", "runner_picker", where=bob.sidebar).options == ["Bob"]

    # Even a session pointed at Ann's profile id sees nothing of hers.
    bob.session_state["selected_runner_id"] = ann_profile.id
    for page in ("dashboard", "history"):
        go(bob, page)
        assert "33 raises" not in texts(bob)
        assert "Ann" not in [s.value for s in bob.caption]
    assert bob_profile.id != ann_profile.id


def test_log_out_returns_to_the_public_page(db_path: Path) -> None:
    ann = _hosted(_login("ann-123", "Ann"))
    assert "Logged in as Ann" in [c.value for c in ann.sidebar.caption][0]
    keyed(ann, "button", "logout", where=ann.sidebar).click().run()
    assert ann.user == {"is_logged_in": False}
    ann.run()  # a browser reloads after st.logout(); AppTest needs the run made explicit
    assert any(b.key == "login" for b in ann.button)
    assert not ann.sidebar.selectbox


def test_a_logged_in_runner_can_delete_everything_for_their_login_and_nothing_else(db_path: Path) -> None:
    ann = _hosted(_login("ann-123", "Ann"))
    create_runner(ann, "Ann")
    record_test(ann, 33, 31)
    create_runner(ann, "Ann junior")
    _create_link(ann)
    bob = _hosted(_login("bob-456", "Bob"))
    create_runner(bob, "Bob")
    record_test(bob, 18, 25)
    store = peek_store(db_path)
    ann_key, bob_key = (owner_key_for("https://id.example.org", s) for s in ("ann-123", "bob-456"))
    ann_ids = [r.id for r in store.list_runners(ann_key)]
    bob_rows = count_rows(store, store.list_runners(bob_key)[0].id)

    go(ann, "profile")
    keyed(ann, "button", "delete_login").click().run()
    assert len(store.list_runners(ann_key)) == 2  # asks first
    keyed(ann, "button", r"delete_login_confirm").click().run()
    assert not ann.exception
    assert "Deleted 2 profiles" in texts(ann)
    assert store.list_runners(ann_key) == []
    assert all(set(count_rows(store, i).values()) == {0} for i in ann_ids)
    assert count_rows(store, store.list_runners(bob_key)[0].id) == bob_rows


def test_the_delete_everything_button_is_only_for_logged_in_runners(app: AppTest) -> None:
    create_runner(app)
    go(app, "profile")
    assert not any(b.key == "delete_login" for b in app.button)  # local mode: one machine's profiles, no login
