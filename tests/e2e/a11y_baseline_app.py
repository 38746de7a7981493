"""A plain Streamlit app for the accessibility scan's baseline: every kind of element Calf Check uses, default theme,
no custom CSS or components, made the way Streamlit's docs show them. What axe finds here is Streamlit's own.

Run by tests/e2e/test_accessibility.py from a folder with no .streamlit/config.toml (so the default theme applies).
"""

import altair as alt
import pandas as pd
import streamlit as st


def main_page() -> None:
    st.title("Plain page")
    st.header("A header")
    st.subheader("A subheader")
    st.markdown("Some **markdown** text with a [link](#a-header) and `code`.\n\n- one\n- two")
    st.caption("A caption with `code` in it.")
    st.code("https://example.invalid/coach?t=abc", language=None, wrap_lines=True)
    st.info("Info", icon=":material/info:")
    st.success("Saved.", icon=":material/check_circle:")
    st.warning("Warning", icon=":material/warning:")
    st.error("Error", icon=":material/error:")
    left, right = st.columns(2)
    left.metric("Left", "18 raises", "+2", help="Help text")
    right.metric("Right", "26 raises", "-1")
    frame = pd.DataFrame(
        {
            "tested_on": pd.date_range("2026-01-01", periods=4, freq="W"),
            "side": ["left", "right"] * 2,
            "reps": [18, 26, 20, 27],
        }
    )
    st.vega_lite_chart(
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(x="tested_on:T", y="reps:Q", color="side:N")
        .properties(width="container")
        .to_dict(),
        width="stretch",
    )
    st.dataframe(
        pd.DataFrame({"week": ["01 Jan"], "adherence": [50]}),
        hide_index=True,
        column_config={"adherence": st.column_config.ProgressColumn("Adherence", min_value=0, max_value=100)},
    )
    st.table(frame.astype(str))
    st.segmented_control("Show", ["12 weeks", "6 months"], default="12 weeks", key="period")
    first, second = st.tabs(["First tab", "Second tab"])
    first.write("Inside a tab")
    second.write("Another tab")
    with st.expander("An expander", expanded=True):
        st.write("Inside")
    with st.form("form"):
        st.text_input("Name", placeholder="Coach Sam")
        st.number_input("Raises", min_value=0, value=10)
        st.date_input("Day")
        st.radio("Leg", ["Left", "Right"], horizontal=True)
        st.selectbox("Runner", ["Alex", "Sam"])
        st.checkbox("A checkbox")
        st.toggle("A toggle")
        st.slider("Pain", 0, 10, 2)
        st.form_submit_button("Save", type="primary")
    st.button("A button")
    st.download_button("Download", "a,b\n", file_name="x.csv")
    st.page_link(other, label="A page link", icon=":material/timer:")
    st.divider()
    st.sidebar.selectbox("Runner", ["Alex", "Sam"], key="sidebar_runner")
    st.sidebar.caption("A sidebar caption")


def other_page() -> None:
    st.title("Other page")


main = st.Page(main_page, title="Plain page", icon=":material/home:", default=True)
other = st.Page(other_page, title="Other page", icon=":material/timer:", url_path="other")
st.navigation([main, other], position="sidebar").run()
