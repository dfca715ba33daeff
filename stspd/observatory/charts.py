"""Charts of a series for documents (PDF): the same rules as the page's chart, in SVG.

A value that is not published is never drawn as 0: its year is a hatched band; a published
zero is a hollow marker at 0; a lower bound (territory with a suppressed member) a triangle.
"""

from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no screen: render to files only

from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from crimestats.states import ValueState

from .presentation import MISSING

MARKERS = {
    ValueState.PUBLISHED: ("o", "#000091"),
    ValueState.ZERO: ("o", "none"),
    ValueState.LOWER_BOUND: ("^", "#000091"),
}


def series_svg(chart: dict[str, Any]) -> str:
    """An SVG line chart of `presentation.chart_data`'s dict."""
    years = list(range(len(chart["years"])))
    figure: Figure = plt.figure(figsize=(7, 2.8), dpi=100)
    try:
        axes = figure.add_subplot()
        for x, status in zip(years, chart["status"], strict=True):
            if status in (ValueState.SUPPRESSED, MISSING):
                axes.axvspan(
                    x - 0.4, x + 0.4, facecolor="#eeeeee", hatch="///", edgecolor="#999999"
                )
                label = "non diffusé" if status == "suppressed" else "absent"
                axes.text(x, 0, label, rotation=90, ha="center", va="bottom", fontsize=7)
        low = [v if v is not None else float("nan") for v in chart["low"]]
        high = [v if v is not None else float("nan") for v in chart["high"]]
        axes.fill_between(
            years, low, high, color="#000091", alpha=0.15, linewidth=0, label="IC 95 %"
        )
        rate = [v if v is not None else float("nan") for v in chart["rate"]]
        axes.plot(years, rate, color="#000091", linewidth=2, label="Territoire")
        for x, value, status in zip(years, chart["rate"], chart["status"], strict=True):
            if value is not None and status in MARKERS:
                marker, face = MARKERS[status]
                axes.plot([x], [value], marker=marker, color="#000091", markerfacecolor=face)
        for key, colour, style, name in [
            ("departement", "#c9191e", "--", "Département"),
            ("france", "#666666", ":", "France"),
        ]:
            values = [v if v is not None else float("nan") for v in chart[key]]
            axes.plot(years, values, color=colour, linestyle=style, label=name)
        axes.set_xticks(years, chart["years"], fontsize=8)
        axes.set_ylim(bottom=0)
        axes.set_ylabel(chart["unit"], fontsize=8)
        axes.tick_params(axis="y", labelsize=8)
        axes.legend(
            fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=4, frameon=False
        )
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        out = io.StringIO()
        figure.savefig(out, format="svg")
    finally:
        plt.close(figure)
    svg = out.getvalue()
    return svg[svg.index("<svg") :]  # drop the XML prologue: the SVG goes inline in HTML
