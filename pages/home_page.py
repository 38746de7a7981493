"""Home: what Calf Check is for, how to do the test, and the first steps."""

from __future__ import annotations

import streamlit as st

from calfcore import protocol
from calfcore.evidence import TRUST_EXPLAINED, source
from calfcore.norms import describe_protocol
from calfcore.sentences import scoring_rules
from calfui import navigation
from calfui.context import PageContext, render_page
from calfui.dashboard_view import reference_arrow
from calfui.viewer import ViewerKind
from calfui.widgets import plain


def render(context: PageContext) -> None:
    st.title("Calf Check")
    st.markdown(
        "Strong calves carry you through every stride. Calf Check helps you **test** them with the single-leg "
        "heel-raise test, **compare** each leg with published values for your age and sex, see whether one side "
        "lags, get a **routine** for this week, and **track** your progress."
    )
    runner = context.runner()
    if context.viewer.kind is ViewerKind.ANONYMOUS:
        st.info(
            "Log in to record your tests. Your data is yours: nobody else sees it unless you share a link.",
            icon=":material/lock:",
        )
        if st.button("Log in", key="login", type="primary", icon=":material/login:"):
            st.login()
    elif context.viewer.kind is ViewerKind.VISITOR:
        st.info(
            "This Calf Check runs on someone's own computer, and their data stays theirs. To see a runner's "
            "dashboard, open the share link they sent you.",
            icon=":material/lock:",
        )
    elif runner is None:
        st.info("Start by creating your runner profile, or look around with a demo runner.", icon=":material/info:")
        navigation.page_link("profile", label="Create a profile or load the demo", icon=":material/person_add:")
    else:
        st.markdown(f"Hello, {plain(runner.name)}.")
        left, right = st.columns(2)
        with left:
            navigation.page_link("record", label="Record a test", icon=":material/add_circle:")
        with right:
            navigation.page_link("dashboard", label="See your dashboard", icon=":material/monitoring:")

    st.header("How to do the test")
    st.markdown("\n".join(f"{number}. {step}" for number, step in enumerate(protocol.SET_UP, start=1)))
    st.markdown("**Stop counting when**\n\n" + "\n".join(f"- {rule}" for rule in protocol.STOP_RULES))
    st.markdown(
        protocol.AFTER_FIRST_LEG + " For the knee-bent version (it works the deeper soleus), bend the "
        "knee a little and keep that bend throughout."
    )
    st.caption(
        "Protocol: "
        + describe_protocol(protocol.STANDARD_PROTOCOL)
        + ". Sources: "
        + "; ".join(source(s).short for s in protocol.PROTOCOL_SOURCES)
        + "."
    )

    st.header("How scoring works")
    st.markdown(scoring_rules())
    with st.expander("Where the numbers come from"):
        st.dataframe(reference_arrow(), hide_index=True)
        st.caption(TRUST_EXPLAINED)
        st.caption(
            "Second-hand tables are shown as 'about' values. Knee-bent raises have no published norm, so "
            "they are compared between legs and over time only."
        )
    st.warning(
        "Calf Check informs; it does not diagnose. If something hurts badly, feels wrong, or a warning "
        "sign appears, see a doctor or physiotherapist.",
        icon=":material/health_and_safety:",
    )


render_page(render)
