import datetime
from typing import Any

from django import forms

from stspd.core.forms import Form

from .models import Scope

MAX_LIVE_TOKENS = 10
DURATIONS = [("30", "30 jours"), ("90", "90 jours"), ("365", "1 an")]


class TokenForm(Form):
    name = forms.CharField(
        label="Nom du jeton",
        max_length=100,
        help_text="À quoi il sert, par exemple « Tableur de la police municipale ».",
    )
    scopes = forms.MultipleChoiceField(
        label="Portées",
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Scope.READ],
        help_text="Ce que le jeton permet ; il n'ouvre jamais plus que vos propres droits.",
    )
    days = forms.ChoiceField(label="Durée de validité", choices=DURATIONS, initial="90")

    def __init__(self, *args: Any, live_tokens: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.live_tokens = live_tokens

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean()
        if self.live_tokens >= MAX_LIVE_TOKENS:
            raise forms.ValidationError(
                f"Vous avez déjà {self.live_tokens} jetons actifs : révoquez ceux qui ne servent "
                "plus avant d'en créer un autre."
            )
        return data

    def clean_scopes(self) -> list[str]:
        scopes: list[str] = self.cleaned_data["scopes"]
        if Scope.REPORT in scopes and Scope.READ not in scopes:
            scopes.append(Scope.READ)  # reporting a value needs reading its indicator
        return scopes

    def lifetime(self) -> datetime.timedelta:
        return datetime.timedelta(days=int(self.cleaned_data["days"]))

    def data_for_event(self) -> dict[str, Any]:
        return {"portées": ["", ", ".join(sorted(self.cleaned_data["scopes"]))]}
