"""A survey's published results in the council's diagnostic.

The coordinator chooses the diagnostic's section that shows a survey (``Survey.diagnostic_section``,
usually "Le sentiment d'insécurité et les attentes de la population"). The observatory, below this
room, imports nothing of it: this room registers ``embeds_for`` at start-up (apps.py) and the
diagnostic's page and PDF include what it returns. What is shown is the figures as published
(``Survey.published_summary``): a survey whose results are withdrawn leaves the diagnostic.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from crimestats.french import date, number
from stspd.observatory.diagnostic import SectionEmbed
from stspd.observatory.models import DiagnosticSection

from .models import Survey
from .results import LEVEL, MAX_INTERVAL_WIDTH, MIN_EFFECTIVE_SIZE

TEMPLATE = "surveys/_diagnostic_embed.html"
MARGIN_NAMES = {
    "sexe": "sexe",
    "age": "âge",
    "quartier": "quartier",
    "activite": "activité",
    "menage": "taille du ménage",
}


def method_sentence(survey: Survey) -> str:
    """The survey's method in one sentence, from its published summary."""
    summary = survey.published_summary
    # "Calage par raking (poids positifs, méthode usuelle)": the name without its gloss.
    method = str(summary.get("method", "")).split(" (")[0]
    margins = ", ".join(MARGIN_NAMES.get(code, code) for code in summary.get("margins", []))
    when = ""
    if survey.opened_at and survey.closed_at:
        when = (
            f" recueillis du {date(timezone.localdate(survey.opened_at))} au "
            f"{date(timezone.localdate(survey.closed_at))}"
        )
    elif survey.opened_at:
        when = f" recueillis depuis le {date(timezone.localdate(survey.opened_at))}"
    return (
        f"Enquête auprès des habitants ({survey.territory}) : "
        f"{number(summary.get('responses', 0))} questionnaires{when}, redressés sur la "
        f"population par {margins} ({method[:1].lower()}{method[1:]}) ; chaque part est "
        f"donnée avec son intervalle de confiance à {round(LEVEL * 100)} % et n'est pas "
        f"diffusée sous {MIN_EFFECTIVE_SIZE} réponses effectives ou avec un intervalle de "
        f"{round(MAX_INTERVAL_WIDTH * 100)} points ou plus."
    )


def embed_context(survey: Survey) -> dict[str, Any]:
    return {
        "survey": survey,
        "method": method_sentence(survey),
        "headlines": survey.published_summary.get("headlines", []),
        "published_on": timezone.localdate(survey.published_at) if survey.published_at else None,
    }


def embeds_for(sections: Sequence[DiagnosticSection]) -> dict[int, list[SectionEmbed]]:
    """{section pk: the published surveys it shows} (one query)."""
    found: dict[int, list[SectionEmbed]] = {}
    surveys = Survey.objects.filter(
        diagnostic_section__in=[section.pk for section in sections], published_at__isnull=False
    ).order_by("closed_at", "published_at", "pk")
    for survey in surveys:
        assert survey.diagnostic_section_id is not None  # filtered on it
        found.setdefault(survey.diagnostic_section_id, []).append(
            SectionEmbed(TEMPLATE, embed_context(survey))
        )
    return found
