"""The one-page PDF report: its content (calfcore.report) read back from the PDF itself (pypdf), and the page drawn to
PNG with poppler's pdftoppm (scripts/ensure_chromium.sh installs it; a missing pdftoppm fails, never skips)."""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader

import calfui.report_pdf
from calfcore.models import LegPair, Run, Side
from calfcore.report import INFORMS_LINE, RUNNING_HEADING, build_report
from calfcore.retest import next_retest
from calfcore.routine import EquipmentAccess
from calfcore.validation import MAX_NAME_LENGTH, text_problem
from calfstore import RunnerRecords
from calfui.report_pdf import BODY_SIZES_PT, chart_png, file_name, largest_fitting, report_pdf, runner_report
from tests.unit.helpers import FEW, TODAY, heel_test, runner, symptom

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def days_ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def history(**latest_extra) -> RunnerRecords:
    """Ten weeks of tests (the latest 3 days ago: left 30, right 34), with pain rising a little this week."""
    tests = [heel_test(20 + i, 24 + i, day=days_ago(7 * (10 - i) + 3), id=i + 1) for i in range(0, 10, 2)]
    tests.append(heel_test(30, 34, day=days_ago(3), id=99, **latest_extra))
    symptoms = [
        symptom(days_ago(9), morning=2, stiffness=10),
        symptom(days_ago(3), Side.LEFT, during=3, morning=2, stiffness=5, test_id=99),
    ]
    return RunnerRecords(runner(injured_side=Side.LEFT, name="Zoë Łukasz"), tests, symptoms, [])


def pdf_of(records: RunnerRecords) -> bytes:
    _, plan = next_retest(records.runner, records.tests, records.symptoms, TODAY)
    return runner_report(records, TODAY, plan, set(), EquipmentAccess.HOME)


def text_of(pdf: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(pdf))
    # Lines wrap anywhere on the page: compare with every run of white space made one space.
    text = re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in reader.pages))
    return text, reader


def test_the_report_holds_the_figures_sources_chart_and_routine_on_one_page():
    text, reader = text_of(pdf_of(history()))
    assert len(reader.pages) == 1
    assert reader.metadata.title == "Calf Check report: Zoë Łukasz"
    for expected in [
        "Calf Check report: Zoë Łukasz",
        "age 35, female, injured side: left",
        "13 Jun 2025: single-leg heel raises to fatigue, knee straight",
        "Protocol: 10° incline, 60 beats/min, not cued",
        # each leg against its reference, with the change since the last comparable test
        "Left (injured side): 30 raises, within the typical range for women aged 30–39; runner target 30+ met; +2 since "
        "the last comparable test (30 May 2025), within measurement noise",
        "Right: 34 raises, within the typical range for women aged 30–39",
        "Reference: about 27–28 reps for healthy adults aged 20-81 (female, age 30–39). Typical range 19–36 raises",
        # sources with their evidence tags
        "Hébert-Losier et al. 2017, per-decade table (second-hand) – quoted second-hand, so approximate",
        "Green et al. 2022 (expert consensus) – expert opinion, not a measured norm",
        "Green et al. 2024 – read in the study itself",
        # symmetry: injured ÷ uninjured 30 ÷ 34 = 88%, under the 90% line
        "Knee straight: 88% (injured ÷ uninjured)",
        "Weaker ÷ stronger, knee straight: 88%, under the 90% line",
        # pain and stiffness trend
        "Peak pain in the last 7 days: 3/10 (the week before: 2/10)",
        "Morning stiffness: 5 min (the week before: 10 min)",
        "Silbernagel et al. 2007 (pain-monitoring model) – quoted second-hand",
        # the chart, the stage and routine, the retest
        "Raises over time",
        "Last 12 weeks, knee straight",
        "Current stage and routine",
        "Stage: Load.",
        "Weaker side: the left gets one extra set of each one-leg exercise",
        "Next retest: 11 Jul 2025 (every 4 weeks in the load stage)",
        INFORMS_LINE,
    ]:
        assert expected in text, expected
    assert "a coaching article" in text  # the routine's exercises come from the seed articles
    for code in ("READ-PRIMARY", "READ-SECONDARY", "EXPERT OPINION", "SEED"):  # evidence in words, never the codes
        assert code not in text, code
    images = list(reader.pages[0].images)
    assert len(images) == 2  # each leg at a glance, and the raises chart
    widths = sorted(Image.open(io.BytesIO(image.data)).width for image in images)
    assert widths[0] >= 800 and widths[1] >= 1000  # drawn at twice their 400 and 560 px for print


def test_a_warning_sign_replaces_score_and_routine_with_the_clinician_message():
    text, reader = text_of(pdf_of(history(red_flags=frozenset({"sudden_pop"}))))
    assert len(reader.pages) == 1
    assert "Warning sign: see a clinician" in text
    assert "Message shown to the runner: Please get medical care today, before any more testing or training" in text
    assert "Did you feel a sudden pop, snap, or a 'kick' to the back of the leg?" in text
    assert "AAOS Achilles rupture guideline 2009 – quoted second-hand" in text
    assert "Raises recorded (left 30, right 34) are not scored and no routine is given" in text
    for absent in [
        "Current stage and routine",
        "Stage:",
        "Each leg against its reference",
        "typical range",
        "Next retest",
        "sessions a week",
    ]:
        assert absent not in text, absent
    assert INFORMS_LINE in text


def test_a_runner_without_a_fitting_reference_gets_no_band_and_says_why():
    records = history()
    young = RunnerRecords(runner(age=16, name="Kim"), records.tests, records.symptoms, [])
    report = build_report(young.runner, young.tests, young.symptoms, TODAY)
    assert "No reference band: no published reference covers runners under 18." in report.text
    assert "typical range" not in report.text and "Reference:" not in report.text


def test_a_runner_without_tests_gets_a_short_report():
    empty = RunnerRecords(runner(name="New"), [], [], [])
    text, reader = text_of(pdf_of(empty))
    assert len(reader.pages) == 1 and "No heel-raise test recorded yet." in text and INFORMS_LINE in text


def test_a_long_report_still_fits_one_page():
    # Knee bent and heel height add symmetry lines; pain rising adds warnings; a calm-down routine has many lines.
    records = history(bent_reps=LegPair(20, 31), heel_height_cm=LegPair(8, 10))
    records.symptoms.extend([symptom(days_ago(1), Side.RIGHT, during=6, morning=5, stiffness=40)])
    _, reader = text_of(pdf_of(records))
    assert len(reader.pages) == 1


class _Pages:
    """A stand-in for a page built at a size: how many pages it took."""

    def __init__(self, pages: int) -> None:
        self.pages = pages

    def page_no(self) -> int:
        return self.pages


@pytest.mark.parametrize("first_fitting", range(len(BODY_SIZES_PT) + 1))
def test_the_text_size_is_the_largest_that_fits_one_page_and_none_when_none_fits(first_fitting):
    # Pages at each size as a real report's are: one from some size down, more above it (first_fitting = the
    # number of sizes that don't fit: 0, every one fits; all of them, none fits).
    built: list[float] = []
    kept: dict[float, _Pages] = {}

    def build(size: float):
        built.append(size)
        kept[size] = _Pages(1 if BODY_SIZES_PT.index(size) >= first_fitting else 2)
        return kept[size]

    fitted = largest_fitting(build, BODY_SIZES_PT)  # type: ignore[arg-type]
    if first_fitting == len(BODY_SIZES_PT):
        assert fitted is None
    else:
        assert fitted is not None and fitted.page_no() == 1
        assert BODY_SIZES_PT[first_fitting] in built  # the largest that fits was built, and kept:
        assert fitted is kept[BODY_SIZES_PT[first_fitting]]
    assert len(built) <= (1 if first_fitting == 0 else 4)  # the first size, then halving the five others


def test_a_long_reports_pages_never_grow_as_the_text_shrinks_and_the_largest_size_that_fits_is_kept(monkeypatch):
    # What makes halving exact, on a real report too long for the first size: its page counts at each size, largest
    # first, never go up; and the page kept is the one built at the first size with one page.
    searches = []

    def search(build, sizes):
        sized = {}

        def build_and_note(size):
            pdf = build(size)
            sized[id(pdf)] = size
            return pdf

        kept = largest_fitting(build_and_note, sizes)
        searches.append((build, sized[id(kept)] if kept is not None else None))
        return kept

    monkeypatch.setattr(calfui.report_pdf, "largest_fitting", search)
    records = history(bent_reps=LegPair(20, 31), heel_height_cm=LegPair(8, 10))
    _, reader = text_of(pdf_of(records))
    assert len(reader.pages) == 1
    build, kept_size = searches[0]
    pages = [build(size).page_no() for size in BODY_SIZES_PT]
    assert pages == sorted(pages, reverse=True) and pages[0] > 1 and 1 in pages, pages
    assert kept_size == BODY_SIZES_PT[pages.index(1)]


def drawn(pdf: bytes, stem: str, *options: str, dpi: int = 100) -> Path:
    """The PDF's page drawn by poppler's pdftoppm as tests/artifacts/<stem>.png, to look at and to measure
    (`options`: pdftoppm's own, e.g. a band of the page)."""
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm is missing: run scripts/ensure_chromium.sh (installs poppler-utils)"
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{stem}.pdf").write_bytes(pdf)
    subprocess.run(
        [
            pdftoppm,
            "-png",
            "-r",
            str(dpi),
            "-singlefile",
            *options,
            str(ARTIFACTS / f"{stem}.pdf"),
            str(ARTIFACTS / stem),
        ],
        check=True,
        timeout=60,
    )
    return ARTIFACTS / f"{stem}.png"


def test_the_page_draws_as_an_image_with_poppler():
    page = Image.open(drawn(pdf_of(history()), "report")).convert("L")
    assert page.size == (827, 1170)  # A4 at 100 dpi
    dark = sum(page.histogram()[:128]) / (page.width * page.height)
    assert 0.02 < dark < 0.3  # text and a chart on it, not a blank or black page


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Zoë Łukasz", "calf-check-zoë-łukasz-2025-06-16.pdf"),
        ("../../etc", "calf-check-etc-2025-06-16.pdf"),
        ("***", "calf-check-runner-2025-06-16.pdf"),
    ],
)
def test_the_file_name_keeps_the_name_but_nothing_a_path_could_use(name, expected):
    assert file_name(runner(name=name), TODAY) == expected


# --- names in every script (issue 23) -------------------------------------------------------------------------------

SCRIPTS = {
    "Chinese": "王小明",
    "Japanese": "山田 さくら",
    "Korean": "김민준",
    "Arabic": "فاطمة الزهراء",
    "Hebrew": "שרה כהן",
    "Devanagari": "अनन्या शर्मा",
    "Thai": "สมชาย ใจดี",
    "Latin with diacritics": "Zoë Łukasz Ñúñez-Øster",
}
MISSING_GLYPHS = "is missing the following glyphs"


@functools.cache
def history_chart() -> bytes | None:
    """The raises chart of history(): the same for every name and for the longer histories below (knee straight)."""
    from calfcore.dashboard import raises_frame

    return chart_png(raises_frame(history(), TODAY))


def named_pdf(records: RunnerRecords) -> bytes:
    """As runner_report draws it, with the chart drawn once for all these tests (vl-convert takes seconds)."""
    from calfcore.dashboard import DEFAULT_PERIOD

    _, plan = next_retest(records.runner, records.tests, records.symptoms, TODAY)
    report = build_report(records.runner, records.tests, records.symptoms, TODAY, plan=plan)
    return report_pdf(report, history_chart(), f"last {DEFAULT_PERIOD}")


def named(name: str, **latest_extra) -> RunnerRecords:
    records = history(**latest_extra)
    return RunnerRecords(runner(injured_side=Side.LEFT, name=name), records.tests, records.symptoms, [])


def long_history(name: str) -> RunnerRecords:
    """The longest report the tests know (knee bent, heel height, pain rising, a calm-down routine) for `name`."""
    records = named(name, bent_reps=LegPair(20, 31), heel_height_cm=LegPair(8, 10))
    records.symptoms.extend([symptom(days_ago(1), Side.RIGHT, during=6, morning=5, stiffness=40)])
    return records


def title_ink(pdf: bytes, stem: str) -> int:
    """Dark pixels in the page's title band, drawn by poppler at 100 dpi."""
    band = Image.open(drawn(pdf, stem, "-y", "40", "-H", "40")).convert("L")
    return sum(band.histogram()[:128])


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_a_name_in_any_script_prints_as_typed_in_the_title(script, caplog):
    name = SCRIPTS[script]
    with caplog.at_level("WARNING", logger="fpdf"):
        pdf = named_pdf(named(name))
    text, reader = text_of(pdf)
    assert len(reader.pages) == 1
    assert reader.metadata.title == f"Calf Check report: {name}"
    assert f"Calf Check report: {name}" in text  # read back in the order it is typed, right to left included
    assert MISSING_GLYPHS not in caplog.text  # no glyph silently dropped
    assert "no font for" not in text
    # Drawn, not blank: the name adds ink to the title, as much as a Latin name of its length at least roughly.
    stem = "report-" + script.lower().replace(" ", "-")
    assert title_ink(pdf, stem) > no_name_ink() + 40 * len(name.replace(" ", ""))


@functools.cache
def no_name_ink() -> int:
    return title_ink(named_pdf(named("")), "report-no-name")


def test_cjk_names_are_drawn_with_their_own_languages_forms():
    fonts = {
        script: {page_font for page_font in font_names(named_pdf(named(SCRIPTS[script])))}
        for script in ("Chinese", "Japanese", "Korean")
    }
    assert any("NotoSansSC" in f for f in fonts["Chinese"])
    assert any("NotoSansJP" in f for f in fonts["Japanese"]) and not any("NotoSansSC" in f for f in fonts["Japanese"])
    assert any("NotoSansKR" in f for f in fonts["Korean"])


def font_names(pdf: bytes) -> set[str]:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    return {str(font["/BaseFont"]) for font in page["/Resources"]["/Font"].values()}


def test_a_character_no_font_has_is_written_out_and_the_page_says_so(caplog):
    with caplog.at_level("WARNING", logger="fpdf"):
        text, reader = text_of(named_pdf(named("Ana 🏃‍♀️ 👍🏽👍🏽 Silva")))
    assert len(reader.pages) == 1
    assert (
        "Calf Check report: Ana [runner, female sign] [thumbs up sign, emoji modifier fitzpatrick type-4] ×2 Silva"
        in text
    )
    assert (
        "The name holds characters this report has no font for (such as emoji): each is written out in brackets."
        in text
    )
    assert MISSING_GLYPHS not in caplog.text


@pytest.mark.parametrize(
    "name",
    [
        "W" * MAX_NAME_LENGTH,
        "王" * MAX_NAME_LENGTH,
        "ﷺ" * MAX_NAME_LENGTH,  # one of the widest glyphs there are
        "🏃" * MAX_NAME_LENGTH,
        "".join(chr(0x1F680 + i) for i in range(MAX_NAME_LENGTH)),  # sixty different emoji, each written out
        "अनन्या" * (MAX_NAME_LENGTH // 6),
    ],
)
def test_a_name_at_the_maximum_length_fits_the_page(name):
    assert text_problem(name, "Name", MAX_NAME_LENGTH) is None  # the validator accepts it
    _, reader = text_of(named_pdf(long_history(name)))
    assert len(reader.pages) == 1


def test_a_longer_name_stored_before_the_limit_is_shortened_and_says_so():
    text, reader = text_of(named_pdf(long_history("Wolfeschlegelsteinhausenbergerdorff" * 30)))
    assert len(reader.pages) == 1
    title = text[: text.index(" age 35")].replace(" ", "")  # a long word wraps: the extracted lines join with spaces
    assert title == "CalfCheckreport:" + ("Wolfeschlegelsteinhausenbergerdorff" * 2)[:MAX_NAME_LENGTH] + "…"
    assert "The name is shortened here: it is 1050 characters long." in text


@settings(FEW, max_examples=10)  # each name may need a cut of several CJK fonts: about 3 s an example
@given(
    name=st.text(
        st.characters(exclude_categories=("Cc", "Cs", "Co", "Cn")), min_size=1, max_size=MAX_NAME_LENGTH
    ).filter(lambda name: name.strip() and text_problem(name.strip(), "Name", MAX_NAME_LENGTH) is None)
)
def test_any_name_the_validator_accepts_makes_a_one_page_report_with_no_glyph_dropped(name):
    import logging

    records = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logging.getLogger("fpdf").addHandler(handler)
    try:
        report = build_report(runner(name=name.strip()), [], [], TODAY)
        pdf = report_pdf(report, None)
    finally:
        logging.getLogger("fpdf").removeHandler(handler)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert not [r for r in records if MISSING_GLYPHS in r.getMessage()], name


def test_each_leg_at_a_glance_is_the_pages_picture_with_its_lines_under_it():
    """Issue 24: the per-leg bars the pages draw (the same spec through vl-convert), under "Each leg against its
    reference", with each leg's short line; a runner no reference fits gets bars without a band that say so."""
    from calfcore.charts import json_spec, leg_bars_spec
    from calfui.report_pdf import glance_png

    records = history()
    report = build_report(records.runner, records.tests, records.symptoms, TODAY)
    assert report.score is not None
    text, reader = text_of(pdf_of(records))
    for line in (
        "Left 30: at the runner target of 30; in the typical range for women aged 30–39",
        "Right 34: over the runner target of 30; in the typical range for women aged 30–39",
    ):
        assert line in text, line
    assert text.index("Each leg against its reference") < text.index("Left 30: at the runner target")
    assert text.index("Left 30: at the runner target") < text.index("Left (injured side): 30 raises")
    images = [Image.open(io.BytesIO(image.data)) for image in reader.pages[0].images]
    glance = Image.open(io.BytesIO(glance_png(report.score, Side.LEFT)))
    assert any(image.size == glance.size for image in images)  # the picture printed is the one drawn
    assert glance.width >= 2 * 400 and glance.height < glance.width / 3  # a strip, not a full chart
    rows = [row for row in json_spec(leg_bars_spec(report.score, Side.LEFT))["datasets"]["runner_data"]]
    assert [row["leg"] for row in rows] == ["Left (injured)", "Right"]

    young = RunnerRecords(runner(age=16, name="Kim"), records.tests, records.symptoms, [])
    text, reader = text_of(pdf_of(young))
    assert "Left 30: at the runner target of 30; no typical range (no published reference fits this test)" in text
    assert len(list(reader.pages[0].images)) == 2

    warned = history(red_flags=frozenset({"sudden_pop"}))
    text, reader = text_of(pdf_of(warned))
    assert "runner target of 30;" not in text and len(list(reader.pages[0].images)) == 1  # no score, no bars


def test_the_page_with_each_leg_at_a_glance_draws_with_poppler():
    records = history(bent_reps=LegPair(20, 31), heel_height_cm=LegPair(8, 10))  # a long report: still one page
    page = Image.open(drawn(pdf_of(records), "report-glance", dpi=150)).convert("RGB")
    assert page.size[1] == 1754 and page.size[0] in (1240, 1241)  # A4 at 150 dpi, one page
    # The bars sit near the top, under "Each leg against its reference" (the raises chart is far lower down).
    colours = page.crop((0, 0, page.width, page.height // 4)).getcolors(maxcolors=1 << 20)
    assert colours is not None

    # The legs' bars print in their own colours (Okabe-Ito blue and vermillion), as on the pages, in the top quarter.
    def near(target: tuple[int, int, int]) -> int:
        return sum(count for count, rgb in colours if all(abs(a - b) <= 12 for a, b in zip(rgb, target)))

    assert near((0x00, 0x72, 0xB2)) > 500 and near((0xD5, 0x5E, 0x00)) > 500


# -- running under the raises chart (issue 27) ------------------------------------------------------------------------


def with_runs(records: RunnerRecords, runs: list[Run]) -> RunnerRecords:
    return RunnerRecords(records.runner, records.tests, records.symptoms, records.routine_logs, runs=runs)


def weekly_runs(*km: float, minutes: bool = False) -> list[Run]:
    """Two runs a week on its Monday and Thursday (TODAY is a Monday: this week has its Monday's run), km of the
    oldest week first, 0 for a week without runs."""
    first = TODAY - dt.timedelta(weeks=len(km) - 1)
    found = []
    for index, total in enumerate(km):
        monday = first + dt.timedelta(weeks=index)
        days = [monday] if index == len(km) - 1 else [monday, monday + dt.timedelta(days=3)]
        for day in days:
            share = total / len(days)
            found.append(Run(day, None if minutes else share, round(share * 330) if minutes else None))
    return [run for run in found if run.distance_km or run.moving_seconds]


def test_the_report_adds_8_weeks_of_running_under_the_raises_chart_with_its_text():
    # 9 weeks: the oldest is read only to judge the first of the 8 shown. This week 38 km after 24 (+58%).
    records = with_runs(history(), weekly_runs(15, 20, 22, 0, 18, 20, 22, 24, 38))
    pdf = pdf_of(records)
    text, reader = text_of(pdf)
    assert len(reader.pages) == 1
    for expected in [
        RUNNING_HEADING,
        "Running per week, 8 weeks from 28 Apr 2025: 164 km in 13 runs. This week 38 km.",
        # 28 Apr (20 after 15, +33%) is judged against the week before the 8; 19 May follows a week without runs.
        "Distance jumped in the weeks of 28 Apr 2025, 16 Jun 2025.",
        "Running went from 24 to 38 km this week (+58%). Weeks that rise by more than 30%",
        "A jump of more than 30%: Nielsen et al. 2014 – quoted second-hand",
    ]:
        assert expected in text, expected
    # under the raises chart, before the routine
    assert text.index("Raises over time") < text.index(RUNNING_HEADING) < text.index("Current stage and routine")
    images = list(reader.pages[0].images)
    assert len(images) == 3  # each leg at a glance, the raises chart and the running bars
    assert all(Image.open(io.BytesIO(image.data)).width >= 800 for image in images)
    assert Image.open(drawn(pdf, "report-running")).size[1] > 1000  # the page drawn, to look at


def test_pain_that_rose_with_the_running_is_on_the_report_as_on_the_roster_and_not_at_the_safe_zones_edge():
    # Next-morning pain 2 last week, this week 3 (just above the safe zone, 0-2) or 2 (inside it), while the
    # running went from 24 to 38 km: the roster's flag, on paper too, with where the rule comes from.
    for this_week, flagged in ((3, True), (2, False)):
        records = with_runs(history(), weekly_runs(15, 20, 22, 0, 18, 20, 22, 24, 38))
        records.symptoms[:] = [
            symptom(days_ago(9), morning=2, stiffness=10),
            symptom(days_ago(3), Side.LEFT, during=3, morning=this_week, stiffness=5, test_id=99),
        ]
        text, reader = text_of(pdf_of(records))
        assert len(reader.pages) == 1
        said = f"Next-morning pain rose from 2 to {this_week}/10 in the week of" in text
        assert said is flagged, (this_week, text)
        assert ("a week their running rose too." in text) is flagged
        assert ("Pain rising with the running: Silbernagel et al. 2007" in text) is flagged
        assert "A jump of more than 30%: Nielsen et al. 2014" in text  # the jump's source either way


def test_no_running_section_without_runs_in_the_8_weeks_and_time_when_runs_have_no_distance():
    old = [Run(days_ago(7 * 8 + 1), 10.0, None)]  # a Sunday 9 weeks back: before the 8 weeks
    for records in (history(), with_runs(history(), old)):
        report = build_report(records.runner, records.tests, records.symptoms, TODAY, runs=records.runs)
        assert RUNNING_HEADING not in report.text and report.running is None
    _, reader = text_of(pdf_of(with_runs(history(), old)))
    assert len(list(reader.pages[0].images)) == 2
    timed = with_runs(history(), weekly_runs(20, 22, minutes=True))
    report = build_report(timed.runner, timed.tests, timed.symptoms, TODAY, runs=timed.runs)
    assert report.running_measure == "minutes"
    assert "Running per week, 8 weeks from 28 Apr 2025:" in report.text and " minutes in 3 runs" in report.text


def test_running_shows_with_a_warning_sign_and_without_a_test_too():
    runs = weekly_runs(20, 22)
    warned = with_runs(history(red_flags=frozenset({"sudden_pop"})), runs)
    new = with_runs(RunnerRecords(runner(name="New"), [], [], []), runs)
    for records in (warned, new):
        text, reader = text_of(pdf_of(records))
        assert len(reader.pages) == 1 and RUNNING_HEADING in text and "42 km in 3 runs" in text


def test_a_long_report_with_runs_still_fits_one_page_leaving_the_running_to_the_dashboard():
    records = history(bent_reps=LegPair(20, 31), heel_height_cm=LegPair(8, 10))
    records.symptoms.extend([symptom(days_ago(1), Side.RIGHT, during=6, morning=5, stiffness=40)])
    text, reader = text_of(pdf_of(with_runs(records, weekly_runs(20, 22, 30))))
    # The calf alone fills this page at the smallest text: the running is left out, never the calf.
    assert len(reader.pages) == 1 and "Next retest" in text and RUNNING_HEADING not in text
    assert len(list(reader.pages[0].images)) == 2


def test_a_week_without_runs_is_zero_everywhere_and_the_week_after_it_is_no_jump():
    """10 km, then a week off, then 20 km this week: the dashboard, the roster and the report all say no jump (the
    week after one without runs has nothing to compare with), and each shows the empty week as 0, not missing."""
    from calfcore.dashboard import running_view
    from calfcore.roster import FlagKind, roster_row
    from calfcore.runs import running_jump

    records = with_runs(history(), weekly_runs(10, 0, 20))
    assert running_jump(records.runs, TODAY) is None  # the dashboard's flag
    row = roster_row(records.runner, records.tests, records.symptoms, records.routine_logs, TODAY, runs=records.runs)
    assert FlagKind.RUNNING_JUMP not in {flag.kind for flag in row.flags}
    view = running_view(records, TODAY, 12, "distance_km")
    assert view.table is not None
    weeks = dict(zip(view.table["Week of"], view.table["Distance (km)"], strict=True))
    assert weeks[f"{TODAY - dt.timedelta(weeks=1):%d %b}"] == "0.00" and weeks[f"{TODAY:%d %b}"] == "20.00"
    assert len(view.table) == 12  # every week of the span is a row (a bar of 0), none left out
    [bars] = view.spec["datasets"].values()  # the chart's own data: the empty week is a bar of 0
    assert len(bars) == 12 and list(bars["distance_km"])[-3:] == [10.0, 0.0, 20.0]
    text, _ = text_of(pdf_of(records))
    assert "Running per week, 8 weeks from 28 Apr 2025: 30 km in 3 runs. This week 20 km." in text
    assert "Distance jumped" not in text and "Running went from" not in text
    report = build_report(records.runner, records.tests, records.symptoms, TODAY, runs=records.runs)
    assert report.running is not None and list(report.running["distance_km"])[-2:] == [0.0, 20.0]


def test_a_name_in_chinese_arabic_and_an_emoji_prints_with_its_fonts_beside_the_running_weeks(caplog):
    """The running journey's runner (tests/e2e/test_running.py): each script drawn in its own font, the emoji written
    out, and the running section on the same one page, with its jump figure never rounded onto the line."""
    name = "王芳 ليلى 🏃"
    records = with_runs(named(name), weekly_runs(10, 0, 10, 13.04))
    with caplog.at_level("WARNING", logger="fpdf"):
        pdf = pdf_of(records)
    text, reader = text_of(pdf)
    assert len(reader.pages) == 1 and MISSING_GLYPHS not in caplog.text
    fonts = font_names(pdf)
    # Chinese in Noto Sans SC; Arabic in DejaVu Sans, which has its letters (as for an Arabic name alone, above).
    assert any("NotoSansSC" in f for f in fonts) and any("DejaVuSans" in f for f in fonts), fonts
    for expected in ("王芳", "ليلى", "[runner]", RUNNING_HEADING, "from 10.00 to 13.04 km this week (+30.4%)"):
        assert expected in text, expected
    assert "(+30%)" not in text
    drawn(pdf, "report-running-names")  # the page drawn, to look at
