from typing import Any

from django import forms

from stspd.core.forms import ModelForm

from .models import Appraisal, InterventionStart


def year_field(label: str, help_text: str = "") -> forms.TypedChoiceField:
    """A year among those the view gives (`choices` set in the form's __init__)."""
    return forms.TypedChoiceField(label=label, choices=(), coerce=int, help_text=help_text)


def years_choices(years: list[int]) -> list[tuple[int, str]]:
    return [(y, str(y)) for y in years]


class AppraisalForm(ModelForm):
    """The appraisal of one objective or action for one year of the strategy's period. "Already
    appraised that year" is a form error (the view sets the objective or the action)."""

    scoped_fields = ("objective", "action")
    year = year_field("Année évaluée")

    class Meta:
        model = Appraisal
        fields = [
            "year",
            "implementation",
            "effects",
            "unexpected_effects",
            "partners_views",
            "recommendation",
            "reasons",
        ]
        widgets = {
            "implementation": forms.RadioSelect,
            "recommendation": forms.RadioSelect,
            "effects": forms.Textarea(attrs={"rows": 4}),
            "unexpected_effects": forms.Textarea(attrs={"rows": 3}),
            "partners_views": forms.Textarea(attrs={"rows": 3}),
            "reasons": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = years_choices(years)  # type: ignore[attr-defined]  # the stubs type form fields as Field; this one is a ChoiceField


class InterventionStartForm(ModelForm):
    year = year_field(
        "Première année de l'intervention",
        "Les années d'avant servent à construire la comparaison ; celles d'après, à mesurer "
        "l'effet. Par défaut : la première année de la stratégie.",
    )

    class Meta:
        model = InterventionStart
        fields = ["year", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = years_choices(years)  # type: ignore[attr-defined]  # the stubs type form fields as Field; this one is a ChoiceField
