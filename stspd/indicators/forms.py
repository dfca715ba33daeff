from typing import Any

from django.core.exceptions import ValidationError

from stspd.core.forms import ModelForm

from .models import IndicatorDefinition


class IndicatorDefinitionForm(ModelForm):
    """A council's own indicator. Its kind is fixed once an objective or an action uses it:
    an activity count cannot become the result an objective is measured by."""

    scoped_fields = ("council",)

    class Meta:
        model = IndicatorDefinition
        fields = ["name", "kind", "unit", "periodicity", "direction", "description"]

    def clean_kind(self) -> Any:
        kind = self.cleaned_data.get("kind")
        instance = self.instance
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
