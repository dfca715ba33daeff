"""The dashboard as a PDF (WeasyPrint), each indicator's chart drawn by matplotlib in SVG.

The same rules as the page's chart: a suppressed period is a hatched band and a gap in the
line, never a 0; a published zero a hollow circle; a lower bound a triangle; a value submitted
and not yet validated a hollow diamond; baseline, target and the planned trajectory.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no screen: render to files only

from django.template.loader import render_to_string
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from crimestats.states import ValueState
from crimestats.status import LABELS

from .dashboard import Dashboard, IndicatorRow

RECENT = 6  # values listed under each chart in the PDF (the chart shows them all)
BLUE, RED, GREEN, GREY = "#000091", "#c9191e", "#18753c", "#666666"


def _year(day: datetime.date) -> float:
    """A date as a fractional year: the chart's x axis (ticks on 1 January)."""
    return day.year + (day.timetuple().tm_yday - 1) / 365.25


def indicator_svg(row: IndicatorRow) -> str:
    # Text stays text in the SVG (not one path per glyph): half the size, a faster PDF.
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        return _svg(row)


def _svg(row: IndicatorRow) -> str:
    use = row.use
    figure: Figure = plt.figure(figsize=(7, 2.2), dpi=100)
    try:
        axes = figure.add_subplot()
        for point in row.points:
            if point.state == ValueState.SUPPRESSED:
                axes.axvspan(
                    _year(point.start),
                    _year(point.end),
                    facecolor="#eeeeee",
                    hatch="///",
                    edgecolor="#999999",
                )
        dates = [_year(p.end) for p in row.points]
        values = [p.value if p.value is not None else float("nan") for p in row.points]
        axes.plot(dates, values, color=BLUE, linewidth=1.5, label="Valeurs")
        for point in row.points:
            if point.value is None:
                continue
            marker, face = "o", BLUE
            if point.state == ValueState.ZERO:
                face = "none"
            elif point.state == ValueState.LOWER_BOUND:
                marker = "^"
            elif point.source == "submitted":
                marker, face = "D", "none"
            axes.plot(
                [_year(point.end)],
                [point.value],
                marker=marker,
                color=BLUE,
                markerfacecolor=face,
                markersize=4,
            )
        if use.baseline_on and use.baseline_value is not None:
            axes.plot(
                [_year(use.baseline_on)],
                [float(use.baseline_value)],
                "s",
                color=GREY,
                label="Valeur de référence",
            )
        if use.deadline and use.target_value is not None:
            axes.plot(
                [_year(use.deadline)],
                [float(use.target_value)],
                "*",
                color=GREEN,
                markersize=9,
                label="Cible",
            )
            if use.baseline_on and use.baseline_value is not None:
                axes.plot(
                    [_year(use.baseline_on), _year(use.deadline)],
                    [float(use.baseline_value), float(use.target_value)],
                    linestyle="--",
                    color=RED,
                    linewidth=1,
                    label="Trajectoire prévue",
                )
        axes.set_ylim(bottom=0)
        low, high = axes.get_xlim()
        years = list(range(int(low) + 1, int(high) + 1))
        axes.set_xticks(years, [str(y) for y in years])
        axes.tick_params(labelsize=7)
        axes.set_ylabel(row.unit, fontsize=7)
        axes.legend(
            fontsize=6.5, loc="upper center", bbox_to_anchor=(0.5, -0.15), ncols=4, frameon=False
        )
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        out = io.StringIO()
        figure.savefig(out, format="svg")
    finally:
        plt.close(figure)
    svg = out.getvalue()
    return svg[svg.index("<svg") :]


def pdf_context(data: Dashboard) -> dict[str, Any]:
    for row in data.indicators:
        row.svg = indicator_svg(row) if row.points and row.context is None else ""
        row.recent_points = row.points[-RECENT:]
    labels = []
    if data.filters.axis is not None:
        labels += [label for pk, label in data.all_axes if pk == data.filters.axis]
    if data.filters.lead is not None:
        labels += [f"pilote {o.name}" for o in data.leads if o.pk == data.filters.lead]
    if data.filters.status is not None:
        labels.append(f"statut « {LABELS[data.filters.status]} »")
    return {
        "data": data,
        "strategy": data.strategy,
        "pdf": True,
        "filter_labels": labels,
    }


def render_pdf(data: Dashboard) -> bytes:
    from weasyprint import HTML  # heavy: loaded only when a PDF is asked for

    html = render_to_string("steering/dashboard/pdf.html", pdf_context(data))
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]  # WeasyPrint has no type hints
