"""Draws the one-page report (calfcore.report) as PDF bytes, with the dashboard's raises chart as an image.

The chart is the dashboard's own Vega-Lite spec (calfcore.charts.reps_spec over the same rows, calfui.dashboard_view.
raises_frame), given a fixed width instead of the page's container width and drawn to PNG by vl-convert. Text uses
the DejaVu Sans font shipped in calfui/assets/fonts (free licence, LICENSE-DejaVu.txt), so names in any Latin, Greek
or Cyrillic script and signs such as ÷ ± → print as typed, whatever fonts the server has.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Collection
from pathlib import Path

import pandas as pd
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from calfcore.glance import leg_lines
from calfcore.models import RunnerProfile, Side
from calfcore.report import Report, build_report
from calfcore.retest import RetestPlan
from calfcore.routine import EquipmentAccess
from calfcore.scoring import TestScore
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


@functools.cache
def _register_chart_fonts() -> None:
    import vl_convert

    vl_convert.register_font_directory(str(FONT_DIR))


def chart_png(frame: pd.DataFrame) -> bytes | None:
    """The knee-straight raises chart of `frame` (calfcore.progress.reps_frame rows) as a PNG; None without rows."""
    import vl_convert

    from calfcore import charts

    if frame[frame["knee"] == "straight"].empty:
        return None
    _register_chart_fonts()
    spec = charts.json_spec(charts.reps_spec(frame, "straight"))
    spec["width"] = CHART_WIDTH_PX
    version = re.search(r"/v(\d+)\.(\d+)", spec.get("$schema", ""))
    png: bytes = vl_convert.vegalite_to_png(
        spec, vl_version=f"{version[1]}.{version[2]}" if version else None, scale=CHART_SCALE
    )
    return png


# Each leg at a glance: the pages' picture drawn 450 px wide onto 80 mm, so its words print at about 6-7 pt, about as
# large as the report's text.
GLANCE_WIDTH_PX = 450
GLANCE_WIDTH_MM = 80


def glance_png(score: TestScore, injured_side: Side | None) -> bytes:
    """Each leg at a glance as a PNG: the very spec the pages draw (calfcore.charts.leg_bars_spec), at a fixed
    width, through vl-convert like the raises chart."""
    import vl_convert

    from calfcore import charts

    _register_chart_fonts()
    spec = charts.json_spec(charts.leg_bars_spec(score, injured_side))
    spec["width"] = GLANCE_WIDTH_PX
    version = re.search(r"/v(\d+)\.(\d+)", spec.get("$schema", ""))
    png: bytes = vl_convert.vegalite_to_png(
        spec, vl_version=f"{version[1]}.{version[2]}" if version else None, scale=CHART_SCALE
    )
    return png


def _pdf(report: Report, chart: bytes | None, body: float, chart_caption: str, glance: bytes | None = None) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=MARGIN_MM)
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_title(f"Calf Check report: {report.runner_name}")
    pdf.set_creator("Calf Check")
    pdf.add_page()
    line = body * 0.45  # mm per line of text

    def write(text: str, size: float, style: str = "", rgb: tuple[int, int, int] = (0, 0, 0)) -> None:
        pdf.set_font(FONT, style, size)
        pdf.set_text_color(*rgb)
        pdf.multi_cell(0, size * 0.45, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    write(f"Calf Check report: {report.runner_name}", body + 5, "B")
    write(f"{report.about}. Made on {report.made_on:%d %b %Y}.", body)
    for section in report.sections:
        pdf.ln(line * 0.6)
        write(section.heading, body + 1.5, "B", ALERT_RGB if section.alert else (0, 0, 0))
        if section.chart:
            if chart is None:
                write(f"No test in the {chart_caption}.", body)
            else:
                write(
                    chart_caption.capitalize() + ", knee straight: each leg, the typical band where a reference "
                    "fits, and the runner target.",
                    body,
                )
                pdf.image(chart, w=CHART_WIDTH_MM)
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
    report: Report, chart: bytes | None, chart_caption: str = "last 12 weeks", glance: bytes | None = None
) -> bytes:
    """The report on one A4 page: the largest text size at which everything fits."""
    for size in BODY_SIZES_PT:
        pdf = _pdf(report, chart, size, chart_caption, glance)
        if pdf.page_no() == 1:
            return bytes(pdf.output())
    raise ValueError("the report does not fit on one page even at the smallest text size")


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
        records.runner, records.tests, records.symptoms, today, plan=plan, away=sorted(away), access=access
    )
    glance = glance_png(report.score, records.runner.injured_side) if report.score is not None else None
    return report_pdf(report, chart_png(raises_frame(records, today)), f"last {DEFAULT_PERIOD}", glance)


def file_name(runner: RunnerProfile, today: dt.date) -> str:
    """'calf-check-sam-2025-06-16.pdf': the runner's name kept to letters and digits (any script), for a safe name."""
    name = re.sub(r"[^\w]+", "-", runner.name, flags=re.UNICODE).strip("-_").lower() or "runner"
    return f"calf-check-{name[:40]}-{today:%Y-%m-%d}.pdf"
