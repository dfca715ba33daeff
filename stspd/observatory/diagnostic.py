"""The council's diagnostic local de sécurité: opening it, and what its page and PDF show.

The default sections follow the method (docs/domain.md section 1, after the 2010 guide):
state and trends of recorded crime, then its main families, the feeling of insecurity, the
existing responses. The coordinator rewrites, adds, removes and reorders them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from stspd.accounts.models import User
from stspd.audit.events import record
from stspd.councils.models import Council

from .caveats import caveats_for
from .figures import Figures
from .models import Diagnostic, DiagnosticSection, Indicator
from .presentation import chart_data, year_rows

# (title, opening text, indicator whose figures the section embeds)
DEFAULT_SECTIONS: list[tuple[str, str, str | None]] = [
    (
        "Le territoire",
        "Population, habitat, quartiers prioritaires, emploi, équipements : le contexte dans "
        "lequel s'inscrit la stratégie.",
        None,
    ),
    (
        "Les atteintes aux biens",
        "Cambriolages, vols, dégradations : leur niveau, leur évolution, leurs lieux.",
        "Cambriolages de logement",
    ),
    (
        "Les dégradations",
        "Destructions et dégradations volontaires, signalements des bailleurs et des "
        "transporteurs.",
        "Destructions et dégradations volontaires",
    ),
    (
        "Les atteintes aux personnes",
        "Violences physiques, dans et hors du cadre familial ; violences sexuelles ; victimes.",
        "Violences sexuelles",
    ),
    (
        "Le sentiment d'insécurité et les attentes de la population",
        "Enquêtes, remontées des conseils citoyens, des bailleurs, des établissements scolaires.",
        None,
    ),
    (
        "Les réponses existantes",
        "Ce que font déjà les partenaires, et ce qui manque.",
        None,
    ),
]


@transaction.atomic
def open_diagnostic(council: Council, *, by: User) -> Diagnostic:
    """Create the council's diagnostic with the default sections (once)."""
    diagnostic = Diagnostic.objects.create(
        council=council, title=f"Diagnostic local de sécurité — {council.territory}"
    )
    indicators = dict(Indicator.objects.values_list("label", "pk"))
    DiagnosticSection.objects.bulk_create(
        DiagnosticSection(
            diagnostic=diagnostic,
            position=10 * (number + 1),
            title=title,
            text=text,
            indicator_id=indicators.get(label) if label else None,
        )
        for number, (title, text, label) in enumerate(DEFAULT_SECTIONS)
    )
    record(
        by,
        "created",
        diagnostic,
        council=council,
        changes={"sections": ["", str(len(DEFAULT_SECTIONS))]},
    )
    return diagnostic


@dataclass(frozen=True)
class SectionEmbed:
    """What a room above the observatory shows under a section: a template of its own and the
    context it reads (`embed` in the template). The page and the PDF include it; `pdf` tells the
    template which one it is drawn for."""

    template: str
    context: dict[str, Any]


# The rooms above fill this at start-up (AppConfig.ready): given the diagnostic's sections, each
# returns {section pk: its embeds}. The observatory stays below them and imports none.
SectionEmbedder = Callable[[Sequence[DiagnosticSection]], dict[int, list[SectionEmbed]]]
EMBEDDERS: list[SectionEmbedder] = []


def register_embedder(embedder: SectionEmbedder) -> None:
    if embedder not in EMBEDDERS:
        EMBEDDERS.append(embedder)


def section_embeds(sections: Sequence[DiagnosticSection]) -> dict[int, list[SectionEmbed]]:
    found: dict[int, list[SectionEmbed]] = {}
    for embedder in EMBEDDERS:
        for pk, embeds in embedder(sections).items():
            found.setdefault(pk, []).extend(embeds)
    return found


@dataclass
class SectionView:
    """A section with the figures it embeds (none when the indicator has no value here)."""

    section: DiagnosticSection
    rows: list[dict[str, Any]]
    chart: dict[str, Any] | None
    caveats: list[str]
    svg: str = ""  # the chart drawn for a document
    embeds: list[SectionEmbed] = field(default_factory=list)  # from the rooms above

    @property
    def chart_id(self) -> str:
        return f"chart-section-{self.section.pk}"


def section_views(sections: list[DiagnosticSection], figures: Figures) -> list[SectionView]:
    views = []
    embeds = section_embeds(sections) if sections else {}
    for section in sections:
        indicator = section.indicator
        if indicator is None:
            views.append(SectionView(section, [], None, [], embeds=embeds.get(section.pk, [])))
            continue
        rows = year_rows(figures.indicator_series(indicator.label))
        views.append(
            SectionView(
                section,
                rows,
                chart_data(indicator, rows) if rows else None,
                caveats_for(
                    indicator.label, indicator.unit, indicator.denominator_kind, indicator.retired
                ),
                embeds=embeds.get(section.pk, []),
            )
        )
    return views
