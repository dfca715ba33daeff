from typing import Any

from django.core.exceptions import ValidationError

from stspd.core.forms import ModelForm

from .enums import IndicatorKind
from .models import IndicatorDefinition


class IndicatorDefinitionForm(ModelForm):
    """A council's own indicator. Its kind is fixed once an objective or an action uses it:
    an activity count cannot become the result an objective is measured by."""

    scoped_fields = ("council",)

    class Meta:
        model = IndicatorDefinition
        fields = ["name", "kind", "unit", "periodicity", "direction", "description"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.from_survey:
            # A share of the surveys is in percent: never another unit.
            self.fields["unit"].disabled = True
            self.fields["unit"].help_text = "Un indicateur tiré des enquêtes s'exprime en %."

    def clean_kind(self) -> Any:
        kind = self.cleaned_data.get("kind")
        instance = self.instance
        if instance.from_survey and kind == IndicatorKind.ACTIVITY:
            raise ValidationError(
                "Un indicateur tiré des enquêtes mesure un résultat ou décrit le contexte : il "
                "ne compte pas l'activité d'une fiche action."
            )
        if (
            instance.pk
            and kind != instance.kind
            and (instance.objective_uses.exists() or instance.action_uses.exists())
        ):
            raise ValidationError(
                "Cet indicateur sert déjà à un objectif ou une fiche action : sa nature ne "
                "change plus. Créez un autre indicateur."
            )
        return kind
