"""Draws the one-page report (calfcore.report) as PDF bytes, with the dashboard's raises chart as an image (and its
running bars beside it, issue 27).

The chart is the dashboard's own Vega-Lite spec (calfcore.charts.reps_spec over the same rows, calfui.dashboard_view.
raises_frame), given a fixed width instead of the page's container width and drawn to PNG by vl-convert. Text uses
the DejaVu Sans font shipped in calfui/assets/fonts (free licence, LICENSE-DejaVu.txt), so names in any Latin, Greek
or Cyrillic script and signs such as ÷ ± → print as typed, whatever fonts the server has. A name in a script DejaVu Sans
lacks (Chinese, Japanese, Korean, Devanagari and other South and South-East Asian scripts) falls back to Noto Sans,
from pinned PyPI packages (NOTO_FONTS), shaped by HarfBuzz (uharfbuzz) and laid out right to left where it is written
so. A character no font here has (an emoji) is written out by its name in brackets, and the page says so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import itertools
import re
import tempfile
import unicodedata
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import pandas as pd
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from calfcore.glance import leg_lines
from calfcore.models import RunnerProfile, Side
from calfcore.report import Report, build_report
from calfcore.retest import RetestPlan
from calfcore.routine import EquipmentAccess
from calfcore.scoring import TestScore
from calfcore.validation import MAX_NAME_LENGTH
from calfcore.warning_signs import warning_of
from calfstore import RunnerRecords

FONT_DIR = Path(__file__).resolve().parent / "assets" / "fonts"
FONT = "DejaVu"
CHART_WIDTH_PX = 560  # the chart's drawing width (the page's chart stretches to its container instead)
CHART_SCALE = 2  # pixels per CSS pixel in the PNG: sharp when printed
CHART_WIDTH_MM = 120
# The report is one page: the text starts at this size and shrinks a step at a time until everything fits.
BODY_SIZES_PT = (9.0, 8.5, 8.0, 7.5, 7.0, 6.5)
MARGIN_MM = 12
ALERT_RGB = (180, 30, 30)
SOURCE_RGB = (85, 85, 85)  # 7.5:1 on white

# Fonts for the scripts DejaVu Sans lacks: Google's Noto Sans files, unmodified, each with its licence (SIL Open Font
# License 1.1, the OFL.txt beside it), from pinned PyPI packages (requirements.lock): family -> (package, file under
# the package's fonts/ofl/). Han characters come first from the Chinese font, or the Japanese or Korean one when the
# name holds kana or hangul (_fallback_order), so each name gets its own language's forms.
NOTO_FONTS = {
    "NotoSansSC": ("justmytype_intl_cjk", "notosanssc/NotoSansSC[wght].ttf"),
    "NotoSansTC": ("justmytype_intl_cjk", "notosanstc/NotoSansTC[wght].ttf"),
    "NotoSansJP": ("justmytype_intl_cjk", "notosansjp/NotoSansJP[wght].ttf"),
    "NotoSansKR": ("justmytype_intl_cjk", "notosanskr/NotoSansKR[wght].ttf"),
    "NotoSansArabic": ("justmytype_intl_rtl", "notosansarabic/NotoSansArabic[wdth,wght].ttf"),
    "NotoSansHebrew": ("justmytype_intl_rtl", "notosanshebrew/NotoSansHebrew[wdth,wght].ttf"),
    "NotoSansDevanagari": ("justmytype_intl_south_asia", "notosansdevanagari/NotoSansDevanagari[wdth,wght].ttf"),
    "NotoSansBengali": ("justmytype_intl_south_asia", "notosansbengali/NotoSansBengali[wdth,wght].ttf"),
    "NotoSansTamil": ("justmytype_intl_south_asia", "notosanstamil/NotoSansTamil[wdth,wght].ttf"),
    "NotoSansTelugu": ("justmytype_intl_south_asia", "notosanstelugu/NotoSansTelugu[wdth,wght].ttf"),
    "NotoSansThai": ("justmytype_intl_sea", "notosansthai/NotoSansThai[wdth,wght].ttf"),
    "NotoSansLao": ("justmytype_intl_sea", "notosanslao/NotoSansLao[wdth,wght].ttf"),
    "NotoSansKhmer": ("justmytype_intl_sea", "notosanskhmer/NotoSansKhmer[wdth,wght].ttf"),
    "NotoSansMyanmar": ("justmytype_intl_sea", "notosansmyanmar/NotoSansMyanmar[wdth,wght].ttf"),
}
TITLE_WEIGHT = 700  # the name is in the bold title: the fallback fonts are drawn at DejaVu Sans Bold's weight
MAX_PRINTED_NAME = 2 * MAX_NAME_LENGTH  # characters of the title's name, characters written out included
UNDRAWABLE_NOTE = (
    "The name holds characters this report has no font for (such as emoji): each is written out in brackets."
)
# Invisible characters that belong to the character before them (an emoji's joiner, variation selectors, skin tones,
# tag characters): part of its bracket, never a bracket of their own.
_JOINER = "\u200d"


def _noto_path(family: str) -> Path:
    package, name = NOTO_FONTS[family]
    return Path(str(files(package) / "fonts" / "ofl" / name))


@functools.cache
def _characters(path: Path) -> frozenset[int]:
    """The code points a font file has a glyph for."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def _fallback_order(name: str) -> list[str]:
    """The Noto families to try for `name`, in order: its language's Han forms first."""
    names = [unicodedata.name(char, "") for char in name]
    first = ["NotoSansSC", "NotoSansTC", "NotoSansJP", "NotoSansKR"]
    if any(n.startswith("HANGUL") for n in names):
        first = ["NotoSansKR", "NotoSansJP", "NotoSansSC", "NotoSansTC"]
    elif any(n.startswith(("HIRAGANA", "KATAKANA")) for n in names):
        first = ["NotoSansJP", "NotoSansSC", "NotoSansTC", "NotoSansKR"]
    return first + [family for family in NOTO_FONTS if family not in first]


def _static_subset(family: str, characters: str) -> bytes:
    """The Noto family's glyphs for `characters` (with what shaping them needs), as a static font at TITLE_WEIGHT.

    Subsetting first keeps this fast (about a second for the largest CJK font); instancing the whole variable font
    would take many seconds, and its default instance is the thinnest weight."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    options = subset.Options()
    options.layout_features = ["*"]  # every shaping feature: joining forms, conjuncts, marks, local forms
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.drop_tables += ["meta"]  # font metadata fontTools can't subset; nothing a PDF uses
    with TTFont(_noto_path(family)) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=characters)
        subsetter.subset(font)
        axes = {axis.axisTag for axis in font["fvar"].axes} if "fvar" in font else set()
        location = {tag: value for tag, value in (("wght", TITLE_WEIGHT), ("wdth", 100)) if tag in axes}
        static = instancer.instantiateVariableFont(font, location) if location else font
        buffer = io.BytesIO()
        static.save(buffer)
        return buffer.getvalue()


@dataclass(frozen=True)
class NameFonts:
    """How the runner's name is drawn: the text as printed and the fallback fonts (family, static font file) it needs."""

    printed: str
    fonts: tuple[tuple[str, bytes], ...]
    notes: tuple[str, ...]  # what the page says about the name: characters written out, a name shortened


def _shortened(name: str) -> str:
    """A name longer than the validator allows (stored before the limit, or by another tool) cut to the limit, never
    between a character and the marks or joiners that belong to it."""
    cut = MAX_NAME_LENGTH
    while 0 < cut < len(name) and (unicodedata.category(name[cut]) in {"Mn", "Mc", "Me", "Cf", "Sk"}):
        cut -= 1
    return name[:cut].rstrip() + "…"


def _invisible(char: str) -> bool:
    """A joiner, a variation selector or another format character: nothing to see, so nothing to write out."""
    return unicodedata.category(char) == "Cf" or unicodedata.name(char, "").startswith("VARIATION SELECTOR")


def _written_out(group: str) -> str:
    visible = [char for char in group if not _invisible(char)]
    if not visible:
        return ""  # only invisible characters (a lone variation selector): nothing was there to see
    return "[" + ", ".join(unicodedata.name(char, f"U+{ord(char):04X}").lower() for char in visible) + "]"


@functools.lru_cache(maxsize=32)
def name_fonts(name: str) -> NameFonts:
    """The fonts `name` needs beyond DejaVu Sans Bold, and the name as printed: each run of characters no font here
    has (an emoji with its joiners and modifiers) written out by its Unicode name in brackets."""
    notes, original = [], name
    if len(name) > MAX_NAME_LENGTH:
        notes.append(f"The name is shortened here: it is {len(name)} characters long.")
        name = _shortened(name)
    dejavu = _characters(FONT_DIR / "DejaVuSans-Bold.ttf")
    needed = {char for char in name if ord(char) not in dejavu}
    fonts = []
    for family in _fallback_order(name) if needed else []:
        mine = sorted(char for char in needed if ord(char) in _characters(_noto_path(family)))
        if mine:
            fonts.append((family, _static_subset(family, "".join(mine))))
            needed -= set(mine)
    pieces: list[str] = []  # each character as typed, or written out
    times: list[int] = []  # how many times in a row the piece came
    index = 0
    while index < len(name):
        if name[index] not in needed:
            pieces.append(name[index])
            times.append(1)
            index += 1
            continue
        end = index + 1  # the character's joiners, selectors and modifiers, and what a joiner joins, go with it
        while end < len(name) and (
            unicodedata.category(name[end]) in {"Cf", "Mn", "Me", "Sk"} or 0x1F3FB <= ord(name[end]) <= 0x1F3FF
        ):
            end += 2 if name[end] == _JOINER and end + 1 < len(name) else 1
        written = _written_out(name[index:end])
        if written and pieces and pieces[-1] == written:  # a run of the same one: "[runner] ×3"
            times[-1] += 1
        elif written:
            pieces.append(written)
            times.append(1)
        index = end
    if not all(_invisible(char) for char in needed):
        notes.append(UNDRAWABLE_NOTE)
    shown = [piece if count == 1 else f"{piece} ×{count}" for piece, count in zip(pieces, times, strict=True)]
    text = "".join(shown)
    if len(text) > MAX_PRINTED_NAME:  # written-out names can make it long: keep the title to a few lines
        ends = itertools.accumulate(map(len, shown))
        text = "".join(shown[: sum(1 for end in ends if end < MAX_PRINTED_NAME)]).rstrip() + "…"
        if not any(note.startswith("The name is shortened") for note in notes):
            notes.insert(
                0,
                f"The name is shortened here: written out, it is too long for the title ({len(original)} "
                "characters as typed).",
            )
    return NameFonts(text, tuple(fonts), tuple(notes))


@functools.cache
def _register_chart_fonts() -> None:
    import vl_convert

    vl_convert.register_font_directory(str(FONT_DIR))


def _png(spec: dict[str, Any], width_px: int, height_px: int | None = None) -> bytes:
    """A spec the pages draw (calfcore.charts), at a fixed size instead of the container's, as a PNG (vl-convert)."""
    import vl_convert

    from calfcore import charts

    _register_chart_fonts()
    spec = charts.json_spec(spec)
    spec["width"] = width_px
    if height_px is not None:
        spec["height"] = height_px
    version = re.search(r"/v(\d+)\.(\d+)", spec.get("$schema", ""))
    png: bytes = vl_convert.vegalite_to_png(
        spec, vl_version=f"{version[1]}.{version[2]}" if version else None, scale=CHART_SCALE
    )
    return png


def chart_png(frame: pd.DataFrame) -> bytes | None:
    """The knee-straight raises chart of `frame` (calfcore.progress.reps_frame rows) as a PNG; None without rows."""
    from calfcore import charts

    if frame[frame["knee"] == "straight"].empty:
        return None
    return _png(charts.reps_spec(frame, "straight"), CHART_WIDTH_PX)


# Each leg at a glance: the pages' picture drawn 450 px wide onto 80 mm, so its words print at about 6-7 pt, about as
# large as the report's text.
GLANCE_WIDTH_PX = 450
GLANCE_WIDTH_MM = 80


def glance_png(score: TestScore, injured_side: Side | None) -> bytes:
    """Each leg at a glance as a PNG: the very spec the pages draw (calfcore.charts.leg_bars_spec), at a fixed
    width, through vl-convert like the raises chart."""
    from calfcore import charts

    return _png(charts.leg_bars_spec(score, injured_side), GLANCE_WIDTH_PX)


# The running bars: the dashboard's running chart, in the raises chart's row (the raises chart a little narrower),
# with their words in the section under it. Stacked under the raises chart they don't fit: the report already fills
# its page at 7 pt, and bars under the chart would need about 45 mm more.
RUNNING_WIDTH_PX = 360
RUNNING_WIDTH_MM = 70
CHART_BESIDE_RUNNING_MM = 112


def running_png(report: Report) -> bytes | None:
    """The last weeks of running (Report.running) as the dashboard's bars, as a PNG; None without runs in them."""
    from calfcore import charts

    if report.running is None:
        return None
    return _png(charts.running_spec(report.running, report.running_measure), RUNNING_WIDTH_PX)


def _pdf(
    report: Report,
    chart: bytes | None,
    body: float,
    chart_caption: str,
    name: NameFonts,
    font_dir: Path,
    glance: bytes | None = None,
    running: bytes | None = None,
) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=MARGIN_MM)
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    for family, _ in name.fonts:
        pdf.add_font(family, "B", str(font_dir / f"{family}.ttf"))
    if name.fonts:
        pdf.set_fallback_fonts([family for family, _ in name.fonts], exact_match=False)
    pdf.set_title(f"Calf Check report: {report.runner_name}")
    pdf.set_creator("Calf Check")
    pdf.add_page()
    line = body * 0.45  # mm per line of text

    def write(text: str, size: float, style: str = "", rgb: tuple[int, int, int] = (0, 0, 0)) -> None:
        pdf.set_font(FONT, style, size)
        pdf.set_text_color(*rgb)
        pdf.multi_cell(0, size * 0.45, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    # The title holds the runner's name: shaped (joining forms, conjuncts, marks) and in right-to-left order where the
    # name is written so. The rest of the page is the app's own English.
    pdf.set_text_shaping(True)
    write(f"Calf Check report: {name.printed}", body + 5, "B")
    pdf.set_text_shaping(False)
    write(f"{report.about}. Made on {report.made_on:%d %b %Y}.", body)
    running_drawn = False
    for note in name.notes:
        write(note, body)
    for section in report.sections:
        pdf.ln(line * 0.6)
        write(section.heading, body + 1.5, "B", ALERT_RGB if section.alert else (0, 0, 0))
        if section.chart:
            if chart is None:
                write(f"No test in the {chart_caption}.", body)
            else:
                beside = " Beside it, running per week (in words below)." if running is not None else ""
                write(
                    chart_caption.capitalize() + ", knee straight: each leg, the typical band where a reference "
                    "fits, and the runner target." + beside,
                    body,
                )
                if running is None:
                    pdf.image(chart, w=CHART_WIDTH_MM)
                else:
                    top = pdf.get_y()
                    drawn = pdf.image(chart, x=MARGIN_MM, y=top, w=CHART_BESIDE_RUNNING_MM)
                    bars = pdf.image(running, x=pdf.w - MARGIN_MM - RUNNING_WIDTH_MM, y=top, w=RUNNING_WIDTH_MM)
                    pdf.set_xy(MARGIN_MM, top + max(drawn.rendered_height, bars.rendered_height))
                    running_drawn = True
        if section.running and running is not None and not running_drawn:
            pdf.image(running, w=RUNNING_WIDTH_MM)  # no raises chart to stand beside; its words follow
        if section.legs and glance is not None and report.score is not None:
            # Each leg at a glance, each leg's short line beside it (a page has no room for them under it).
            top = pdf.get_y()
            drawn = pdf.image(glance, x=MARGIN_MM, y=top, w=GLANCE_WIDTH_MM)
            pdf.set_xy(MARGIN_MM + GLANCE_WIDTH_MM + 3, top + 2)
            pdf.set_font(FONT, "B", body)
            pdf.set_text_color(0, 0, 0)
            for text in leg_lines(report.score):
                pdf.multi_cell(0, body * 0.45, text, align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
            pdf.set_xy(MARGIN_MM, max(top + drawn.rendered_height, pdf.get_y()))
        for text in section.lines:
            write(
                text,
                body,
                "B" if section.alert and text is section.lines[0] else "",
                ALERT_RGB if section.alert else (0, 0, 0),
            )
        for text in section.sources:
            write(text, body - 1.5, rgb=SOURCE_RGB)
    pdf.ln(line)
    write(report.informs, body, "B")
    return pdf


def report_pdf(
    report: Report,
    chart: bytes | None,
    chart_caption: str = "last 12 weeks",
    glance: bytes | None = None,
    running: bytes | None = None,
) -> bytes:
    """The report on one A4 page: the largest text size at which everything fits."""
    name = name_fonts(report.runner_name)
    with tempfile.TemporaryDirectory(prefix="calf-report-fonts-") as folder:  # fpdf2 and HarfBuzz read font files
        font_dir = Path(folder)
        for family, data in name.fonts:
            (font_dir / f"{family}.ttf").write_bytes(data)
        fitted = largest_fitting(
            lambda size: _pdf(report, chart, size, chart_caption, name, font_dir, glance, running), BODY_SIZES_PT
        )
        if fitted is not None:
            return bytes(fitted.output())
    if report.running is not None:  # the calf comes first: without the running, it fitted before issue 27
        return report_pdf(without_running(report), chart, chart_caption, glance)
    raise ValueError("the report does not fit on one page even at the smallest text size")


def largest_fitting(build: Callable[[float], FPDF], sizes: Sequence[float]) -> FPDF | None:
    """The page built at the largest of `sizes` (largest first) that fits on one page, or None. Most reports fit at
    the first size; a longer one is found by halving the rest, about half the pages built of trying each in turn (a
    coach's download waits for them). Halving is exact because a smaller text size never needs more room: the lines
    shrink and hold more words, and the charts keep their size."""
    first = build(sizes[0])
    if first.page_no() == 1:
        return first
    fitted, low, high = None, 1, len(sizes) - 1
    while low <= high:
        middle = (low + high) // 2
        pdf = build(sizes[middle])
        if pdf.page_no() == 1:
            fitted, high = pdf, middle - 1
        else:
            low = middle + 1
    return fitted


def without_running(report: Report) -> Report:
    """The report as it was before runs: a page the calf alone fills (a long routine, many warnings) keeps the calf,
    and the dashboard's Running tab keeps the weeks."""
    return dataclasses.replace(
        report, sections=tuple(section for section in report.sections if not section.running), running=None
    )


def notice_pdf(text: str) -> bytes:
    """A page with one message and nothing else (a coach's link that ended between drawing the page and the click)."""
    pdf = FPDF(format="A4")
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.add_page()
    pdf.set_font(FONT, "", BODY_SIZES_PT[0] + 2)
    pdf.multi_cell(0, 6, text, align="L")
    return bytes(pdf.output())


def runner_report(
    records: RunnerRecords,
    today: dt.date,
    plan: RetestPlan | None,
    away: Collection[dt.date],
    access: EquipmentAccess = EquipmentAccess.HOME,
) -> bytes:
    """A runner's report as PDF bytes, from the records the dashboard shows."""
    from calfcore.dashboard import DEFAULT_PERIOD, raises_frame

    report = build_report(
        records.runner,
        records.tests,
        records.symptoms,
        today,
        plan=plan,
        away=sorted(away),
        access=access,
        warning=warning_of(records),
        runs=records.runs,
    )
    glance = glance_png(report.score, records.runner.injured_side) if report.score is not None else None
    chart = chart_png(raises_frame(records, today))
    return report_pdf(report, chart, f"last {DEFAULT_PERIOD}", glance, running_png(report))


def file_name(runner: RunnerProfile, today: dt.date) -> str:
    """'calf-check-sam-2025-06-16.pdf': the runner's name kept to letters and digits (any script), for a safe name."""
    name = re.sub(r"[^\w]+", "-", runner.name, flags=re.UNICODE).strip("-_").lower() or "runner"
    return f"calf-check-{name[:40]}-{today:%Y-%m-%d}.pdf"
