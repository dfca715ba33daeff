from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from stspd.accounts.models import User
from stspd.core.forms import DateInput, Form

from .diff import Element
from .enums import RemarkKind
from .models import Strategy
from .review import AMENDABLE, reviewer_candidates


class OpenRoundForm(Form):
    reviewers: forms.ModelMultipleChoiceField[User] = forms.ModelMultipleChoiceField(
        label="Relecteurs",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Parmi les partenaires et coordinateurs du conseil.",
    )
    deadline = forms.DateField(label="Date limite des retours", widget=DateInput)
    message = forms.CharField(
        label="Message aux relecteurs",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Joint au courriel d'invitation et affiché sur la page de relecture.",
    )

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = reviewer_candidates(strategy)
        self.fields["reviewers"].label_from_instance = lambda user: (
            f"{user} ({user.email})" if user.email else f"{user} (sans adresse)"
        )

    def clean_deadline(self) -> datetime.date:
        deadline: datetime.date = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError("La date limite ne peut pas être passée.")
        return deadline


class RemarkForm(Form):
    """A comment or an amendment on one element; ids are made unique per element so that
    many of these forms live on one page."""

    kind = forms.ChoiceField(
        label="Nature", choices=RemarkKind.choices, widget=forms.RadioSelect, initial="comment"
    )
    text = forms.CharField(
        label="Commentaire ou raison de l'amendement", widget=forms.Textarea(attrs={"rows": 3})
    )
    field = forms.ChoiceField(
        label="Champ amendé", required=False, help_text="Seulement pour un amendement."
    )
    proposed_value = forms.CharField(
        label="Nouvelle rédaction ou valeur",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Seulement pour un amendement : le texte complet qui remplacerait l'actuel.",
    )

    def __init__(self, *args: Any, element: Element, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"remarque-{element.key}-%s")
        super().__init__(*args, **kwargs)
        self.element = element
        fields = AMENDABLE[element.kind]
        self.fields["field"].choices = [("", "—"), *fields.items()]
        if len(fields) == 1:
            self.fields["field"].initial = next(iter(fields))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == RemarkKind.AMENDMENT:
            if not data.get("field"):
                self.add_error("field", "Choisissez le champ que l'amendement modifie.")
            if not (data.get("proposed_value") or "").strip():
                self.add_error("proposed_value", "Écrivez la nouvelle rédaction ou valeur.")
        return data


class DecideForm(Form):
    accept = forms.TypedChoiceField(
        label="Décision",
        choices=[("1", "Accepter"), ("0", "Rejeter")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    response = forms.CharField(
        label="Motif",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Obligatoire pour un rejet ; le partenaire le lira.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("accept") is False and not (data.get("response") or "").strip():
            self.add_error("response", "Donnez le motif du rejet.")
        return data
