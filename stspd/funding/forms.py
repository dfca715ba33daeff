"""The funding cycle's forms. Field checks are the form's (French messages from Django and
the DSFR); the rules that span fields are the verbs' (`workflow.py`), whose refusal the view
shows on the form."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms

from stspd.core.forms import DateInput, Form
from stspd.councils.models import Meeting

from .enums import CHARGE_ACCOUNTS, INCOME_ACCOUNTS, Account, CoFundingState, OpinionKind
from .models import Application, Call, Funder, Priority, Programme

ZERO = Decimal(0)


def money(label: str, *, required: bool = False, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=12,
        decimal_places=2,
        min_value=ZERO,
        help_text=help_text,
        localize=True,
        error_messages={"min_value": "Un montant est positif ou nul."},
    )


class LabelledChoice(forms.ModelChoiceField):  # type: ignore[type-arg]  # generic in django-stubs only
    """A choice among objects whose label the form sets (a programme's label of the call's year)."""

    label_of: Callable[[Any], str] = str

    def label_from_instance(self, obj: Any) -> str:
        return self.label_of(obj)


def account_field(account: str) -> str:
    return f"compte_{account}"


class ApplicationForm(Form):
    """The Cerfa 12156's project sheet and its provisional budget by account class."""

    programme = LabelledChoice(queryset=Programme.objects.none(), label="Programme")
    priority = forms.ModelChoiceField(
        queryset=Priority.objects.none(), label="Priorité de l'appel", required=False
    )
    title = forms.CharField(label="Intitulé du projet", max_length=250)
    objectives = forms.CharField(label="Objectifs", widget=forms.Textarea(attrs={"rows": 3}))
    public = forms.CharField(
        label="Public bénéficiaire", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    territory = forms.CharField(
        label="Territoire", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    calendar = forms.CharField(
        label="Calendrier", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    indicators = forms.CharField(
        label="Indicateurs d'évaluation", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    fipd_requested = money(
        "Part FIPD demandée (€)",
        required=True,
        help_text="Comprise dans le compte 74 (subventions d'exploitation).",
    )

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.call = call
        programme = self.fields["programme"]
        assert isinstance(programme, LabelledChoice)
        programme.queryset = call.programmes.all()
        programme.label_of = lambda p: p.label_in(call.year)
        priority = self.fields["priority"]
        assert isinstance(priority, forms.ModelChoiceField)
        priority.queryset = call.priorities.all()
        labels = dict(Account.choices)
        for account in CHARGE_ACCOUNTS + INCOME_ACCOUNTS:
            side = "Charges" if account in CHARGE_ACCOUNTS else "Produits"
            self.fields[account_field(account)] = money(f"{side} — compte {labels[account]} (€)")

    @classmethod
    def initial_from(cls, application: Application) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(application, name)
            for name in ("title", "objectives", "public", "territory", "calendar", "indicators")
        }
        initial |= {
            "programme": application.programme_id,
            "priority": application.priority_id,
            "fipd_requested": application.fipd_requested,
        }
        for item in application.budget.all():
            initial[account_field(item.account)] = item.amount
        return initial

    def amounts(self) -> dict[str, Decimal]:
        return {
            account: self.cleaned_data.get(account_field(account)) or ZERO
            for account in CHARGE_ACCOUNTS + INCOME_ACCOUNTS
        }

    def sheet(self) -> dict[str, str]:
        return {
            name: self.cleaned_data.get(name, "")
            for name in ("title", "objectives", "public", "territory", "calendar", "indicators")
        }

    def application_fields(self) -> dict[str, Any]:
        """The workflow's arguments of an application, the same for creating and editing."""
        return {
            "programme": self.cleaned_data["programme"],
            "priority": self.cleaned_data["priority"],
            "sheet": self.sheet(),
            "fipd": self.cleaned_data["fipd_requested"],
            "amounts": self.amounts(),
        }


class CoFundingForm(Form):
    funder = forms.ModelChoiceField(
        queryset=Funder.objects.exclude(code="fipd"), label="Cofinanceur"
    )
    requested = money("Montant demandé (€)", required=True)
    state = forms.ChoiceField(label="État", choices=CoFundingState.choices)
    granted = money("Montant accordé (€)", help_text="Seulement si le cofinancement est accordé.")


class OpinionsForm(Form):
    """The formation's opinion on each application of the call (one pair of fields each)."""

    meeting = LabelledChoice(queryset=Meeting.objects.none(), label="Séance")

    def __init__(self, *args: Any, meetings: Any, applications: list[Application], **kwargs: Any):
        super().__init__(*args, **kwargs)
        meeting = self.fields["meeting"]
        assert isinstance(meeting, LabelledChoice)
        meeting.queryset = meetings
        meeting.label_of = lambda m: f"{m.formation} du {m.starts_at:%d/%m/%Y}"
        self.applications = applications
        choices = [("", "Pas d'avis à cette séance"), *OpinionKind.choices]
        for application in applications:
            self.fields[f"avis_{application.pk}"] = forms.ChoiceField(
                label=f"Avis : {application.title}", choices=choices, required=False
            )
            self.fields[f"motif_{application.pk}"] = forms.CharField(
                label=f"Motif : {application.title}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="Obligatoire pour un avis réservé ou défavorable.",
            )

    def opinions(self) -> dict[Application, tuple[str, str]]:
        return {
            application: (
                self.cleaned_data[f"avis_{application.pk}"],
                self.cleaned_data.get(f"motif_{application.pk}", ""),
            )
            for application in self.applications
            if self.cleaned_data.get(f"avis_{application.pk}")
        }


class GrantForm(Form):
    programme = LabelledChoice(queryset=Programme.objects.none(), label="Programme")
    amount = money("Montant accordé (€)", required=True)
    decided_on = forms.DateField(label="Date de l'arrêté ou de la convention", widget=DateInput)

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programme = self.fields["programme"]
        assert isinstance(programme, LabelledChoice)
        programme.queryset = call.programmes.all()
        programme.label_of = lambda p: p.label_in(call.year)


class PaymentForm(Form):
    amount = money("Montant versé (€)", required=True)
    paid_on = forms.DateField(label="Date du versement", widget=DateInput)


class ReportForm(Form):
    """The financial report (actual by account class of the forecast budget, gaps explained)
    and the qualitative report."""

    qualitative = forms.CharField(
        label="Compte rendu qualitatif",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Prérempli depuis les indicateurs de la fiche action ; à compléter.",
    )

    def __init__(self, *args: Any, accounts: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Account.choices)
        self.accounts = accounts
        for account in accounts:
            self.fields[f"reel_{account}"] = money(
                f"Réalisé — compte {labels[account]} (€)", required=True
            )
            self.fields[f"ecart_{account}"] = forms.CharField(
                label=f"Explication de l'écart — compte {account}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="Obligatoire si l'écart au prévu dépasse 15 %.",
            )

    def actual(self) -> dict[str, Decimal]:
        return {a: self.cleaned_data.get(f"reel_{a}") or ZERO for a in self.accounts}

    def explanations(self) -> dict[str, str]:
        return {a: self.cleaned_data.get(f"ecart_{a}", "") for a in self.accounts}
