import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from stspd.core.forms import Form
from stspd.observatory.models import State

from .access import IndicatorUse, strategy_of
from .evidence import ACCEPT, evidence_problem
from .periods import period_label
from .reporting import (
    ReportingError,
    parse_value,
    period_problem,
    periodicity_of,
    strategy_periods,
    unit_problem,
)

STATE_CHOICES = [
    (State.PUBLISHED, "Une valeur"),
    (State.ZERO, "Zéro"),
    (State.SUPPRESSED, "Non communiquée (le partenaire ne peut pas la diffuser)"),
]


class MeasurementForm(Form):
    """The value of one period of an indicator, as the reporter types it."""

    period = forms.CharField(label="Période", widget=forms.Select)
    state = forms.ChoiceField(
        label="Nature de la valeur", choices=STATE_CHOICES, widget=forms.RadioSelect
    )
    value = forms.CharField(label="Valeur", required=False, max_length=40)
    comment = forms.CharField(
        label="Commentaire",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ce qui explique la valeur : un événement, un changement de mode de comptage…",
    )
    evidence = forms.FileField(
        label="Justificatif",
        required=False,
        help_text="PDF, CSV, XLSX, PNG ou JPEG, 10 Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args: Any, use: IndicatorUse, today: datetime.date, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.use, self.today = use, today
        self.strategy = strategy_of(use)
        self.periodicity = periodicity_of(use)
        periods = strategy_periods(self.strategy, self.periodicity)
        self.fields["period"].widget.choices = [
            (start.isoformat(), period_label(start, self.periodicity)) for start in periods
        ]
        unit = use.definition.unit
        self.fields["value"].help_text = (
            f"Unité : {unit}. Virgule décimale, par exemple 12,5. Laissez vide pour « zéro » "
            "ou « non communiquée »."
        )
        self.fields["value"].widget.attrs["inputmode"] = "decimal"

    def clean_period(self) -> datetime.date:
        text = self.cleaned_data["period"]
        try:
            start = datetime.date.fromisoformat(text)
        except ValueError:
            raise ValidationError("Choisissez une période dans la liste.") from None
        if problem := period_problem(self.strategy, self.periodicity, start, self.today):
            raise ValidationError(problem)
        return start

    def clean_value(self) -> Decimal | None:
        text = self.cleaned_data["value"].strip()
        if not text:
            return None
        try:
            value = parse_value(text)
        except ReportingError as error:
            raise ValidationError(str(error)) from None
        if problem := unit_problem(value, self.use.definition.unit):
            raise ValidationError(problem)
        return value

    def clean_evidence(self) -> Any:
        upload = self.cleaned_data.get("evidence")
        if upload and (problem := evidence_problem(upload)):
            raise ValidationError(problem)
        return upload

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean()
        state, value = data.get("state"), data.get("value")
        if "value" not in data:
            return data  # already refused by clean_value
        if state == State.PUBLISHED and value is None:
            self.add_error(
                "value",
                "Saisissez la valeur, ou choisissez « zéro » ou « non communiquée ».",
            )
        elif state == State.ZERO and value not in (None, 0):
            self.add_error(
                "value", "Vous avez choisi « zéro » : laissez la valeur vide ou saisissez 0."
            )
        elif state == State.SUPPRESSED and value is not None:
            self.add_error(
                "value",
                "Une valeur non communiquée n'a pas de nombre : videz ce champ ou choisissez "
                "« une valeur ».",
            )
        if self.errors and self.files.get("evidence") and "evidence" not in self.errors:
            self.add_error(
                "evidence",
                "Le justificatif n'est pas encore enregistré : joignez-le de nouveau en "
                "renvoyant le formulaire corrigé.",
            )
        return data


class ReturnForm(Form):
    reason = forms.CharField(
        label="Motif du renvoi",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ce que le pilote doit corriger ou préciser.",
        max_length=2000,
    )
