"""The fiche's appraisal of a year as the draft of the qualitative report a funder asks."""

from __future__ import annotations

from stspd.strategy.models import Action

from .models import Appraisal


def appraisal_text(action: Action, year: int) -> str:
    appraisal = Appraisal.objects.filter(action=action, year=year).first()
    if appraisal is None:
        return ""
    parts = [
        f"Appréciation {year} de la fiche action : {appraisal.get_implementation_display()}.",
        appraisal.effects,
        appraisal.unexpected_effects and f"Effets inattendus : {appraisal.unexpected_effects}",
        appraisal.partners_views and f"Avis des partenaires : {appraisal.partners_views}",
        f"Recommandation : {appraisal.get_recommendation_display()} — {appraisal.reasons}",
    ]
    return "\n".join(part for part in parts if part)
