"""The new period asked when a new mandate starts from the last strategy."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from stspd.core.forms import DateInput, Form
from stspd.strategy.models import Strategy
from stspd.strategy.rules import period_problem


def next_period(source: Strategy) -> tuple[datetime.date, datetime.date]:
    """By default the day after the source's end, for three years (Strategy.default_period)."""
    return Strategy.default_period(source.ends_on + datetime.timedelta(days=1))


class NewMandateForm(Form):
    title = forms.CharField(label="Titre de la nouvelle stratégie", max_length=250)
    starts_on = forms.DateField(label="Début de la nouvelle période", widget=DateInput())
    ends_on = forms.DateField(label="Fin de la nouvelle période", widget=DateInput())

    def __init__(self, *args: Any, source: Strategy, **kwargs: Any) -> None:
        starts_on, ends_on = next_period(source)
        kwargs.setdefault(
            "initial",
            {
                "title": f"Stratégie territoriale {starts_on.year}-{ends_on.year}",
                "starts_on": starts_on,
                "ends_on": ends_on,
            },
        )
        super().__init__(*args, **kwargs)
        self.source = source

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if problem := period_problem(starts_on, ends_on):
            self.add_error("ends_on", problem)
        elif starts_on is not None and starts_on <= self.source.starts_on:
            self.add_error(
                "starts_on",
                f"La nouvelle période commence après le début de la stratégie copiée (le "
                f"{self.source.starts_on:%d/%m/%Y}).",
            )
        return data
