"""The strategy as a PDF (WeasyPrint): cover, contents with page numbers, diagnostic with its
charts, the plan's tables, one page per fiche action, evaluation method, signatures."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from stspd.observatory.figures import Figures, Territory

from .content import Source, prepare


def pdf_context(source: Source, territory: Territory, figures: Figures | None) -> dict[str, Any]:
    from stspd.observatory.charts import series_svg  # matplotlib: loaded only for a PDF

    doc = prepare(source, figures)
    for section in doc["sections"]:
        section.svg = series_svg(section.chart) if section.chart else ""
    return {
        "doc": doc,
        "pdf": True,
        "territory": territory,
        "version": source.version,
        "today": timezone.localdate(),
    }


def render_pdf(source: Source, territory: Territory, figures: Figures | None) -> bytes:
    from weasyprint import HTML  # heavy: loaded only when a PDF is asked for

    html = render_to_string("strategy/documents/pdf.html", pdf_context(source, territory, figures))
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]  # WeasyPrint has no type hints
