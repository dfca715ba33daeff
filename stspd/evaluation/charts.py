"""The synthetic control's chart for documents (SVG by matplotlib): the commune and its
synthetic counterpart, the start of the intervention, and the gap below."""

from __future__ import annotations

import io

from .judgements import Counterfactual


def counterfactual_svg(result: Counterfactual) -> str:
    import matplotlib

    matplotlib.use("Agg")  # no screen: render to files only
    from matplotlib import pyplot as plt

    years = result.years
    figure = plt.figure(figsize=(7, 3.2), dpi=100)
    try:
        top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=[2, 1])
        treated = [float("nan") if v is None else v for v in result.treated]
        synthetic = [float("nan") if v is None else v for v in result.synthetic]
        gap = [float("nan") if v is None else v for v in result.gap]
        top.plot(years, treated, color="#000091", linewidth=2, marker="o", label=result.commune)
        top.plot(
            years,
            synthetic,
            color="#c9191e",
            linestyle="--",
            marker="s",
            label="Commune synthétique",
        )
        bottom.bar(
            years, gap, color=["#666666" if y < result.start_year else "#000091" for y in years]
        )
        bottom.axhline(0, color="#000000", linewidth=0.8)
        for axes in (top, bottom):
            axes.axvline(result.start_year - 0.5, color="#3a3a3a", linestyle=":")
            axes.spines[["top", "right"]].set_visible(False)
            axes.tick_params(labelsize=8)
        top.set_ylim(bottom=0)
        top.set_ylabel("taux pour 1 000", fontsize=8)
        bottom.set_ylabel("écart", fontsize=8)
        bottom.set_xticks(years, [str(y) for y in years])
        top.legend(fontsize=7, frameon=False, loc="lower left")
        figure.tight_layout()
        out = io.StringIO()
        figure.savefig(out, format="svg")
    finally:
        plt.close(figure)
    svg = out.getvalue()
    return svg[svg.index("<svg") :]
