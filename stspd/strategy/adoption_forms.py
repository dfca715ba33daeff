from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from stspd.accounts.models import Organisation
from stspd.core.forms import DateInput, Form
from stspd.core.uploads import upload_problem
from stspd.councils.models import Meeting

from .adoption import (
    adoption_problem,
    debate_problem,
    deliberation_problem,
    pdf_problem,
    plenary_meetings,
    signature_problem,
)
from .enums import AdoptionMode, Vote
from .models import Strategy

COMMENT = {
    "label": "Commentaire",
    "widget": forms.Textarea(attrs={"rows": 3}),
    "required": False,
    "help_text": "Inscrit dans l'historique de la stratégie.",
}


class MoveForm(Form):
    comment = forms.CharField(**COMMENT)  # type: ignore[arg-type]  # COMMENT is typed dict[str, object]; its values are the CharField arguments they name

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.strategy = strategy


class MeetingMoveForm(MoveForm):
    meeting: forms.ModelChoiceField[Meeting] = forms.ModelChoiceField(
        label="Séance de la formation plénière", queryset=Meeting.objects.none(), empty_label="—"
    )
    field_order = ["meeting", "comment"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meeting = self.fields["meeting"]
        meeting.queryset = plenary_meetings(self.strategy)
        meeting.label_from_instance = lambda m: f"Séance du {m.starts_at:%d/%m/%Y} — {m.place}"

    def meeting_problem(self, meeting: Meeting) -> str:
        return debate_problem(self.strategy, meeting)

    def clean_meeting(self) -> Meeting:
        meeting: Meeting = self.cleaned_data["meeting"]
        if problem := self.meeting_problem(meeting):
            raise forms.ValidationError(problem)
        return meeting


class AdoptForm(MeetingMoveForm):
    """The adoption, by consensus or by a vote of each council member who takes part."""

    mode = forms.ChoiceField(
        label="Mode d'adoption", choices=AdoptionMode.choices, widget=forms.RadioSelect
    )
    field_order = ["meeting", "mode", "comment"]

    def meeting_problem(self, meeting: Meeting) -> str:
        return adoption_problem(self.strategy, meeting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = list(self.strategy.council.members.select_related("organisation"))
        for member in self.members:
            self.fields[f"vote_{member.pk}"] = forms.ChoiceField(
                label=f"{member.organisation} — {member.representative}",
                choices=[("", "Ne prend pas part au vote"), *Vote.choices],
                required=False,
            )

    def vote_fields(self) -> list[forms.BoundField]:
        return [self[f"vote_{member.pk}"] for member in self.members]

    def other_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("meeting", "mode", "comment")]

    def votes(self) -> dict[Any, str]:
        if self.cleaned_data["mode"] != AdoptionMode.VOTE:
            return {}
        return {
            member: self.cleaned_data[f"vote_{member.pk}"]
            for member in self.members
            if self.cleaned_data.get(f"vote_{member.pk}")
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == AdoptionMode.VOTE and not any(
            data.get(f"vote_{member.pk}") for member in self.members
        ):
            self.add_error(None, "Saisissez le vote d'au moins un membre du conseil.")
        return data


class DeliberationForm(MoveForm):
    assembly = forms.CharField(
        label="Assemblée", max_length=200, help_text="Par exemple : conseil municipal de Rouen."
    )
    held_on = forms.DateField(label="Date de la séance", widget=DateInput)
    number = forms.CharField(label="Numéro de la délibération", max_length=50)
    votes_for = forms.IntegerField(label="Voix pour", min_value=0)
    votes_against = forms.IntegerField(label="Voix contre", min_value=0)
    abstentions = forms.IntegerField(label="Abstentions", min_value=0)
    document = forms.FileField(
        label="Délibération (PDF)",
        help_text="Format PDF, 10 Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
    field_order = [
        "assembly",
        "held_on",
        "number",
        "votes_for",
        "votes_against",
        "abstentions",
        "document",
        "comment",
    ]

    def clean_held_on(self) -> datetime.date:
        held_on: datetime.date = self.cleaned_data["held_on"]
        if problem := deliberation_problem(self.strategy, held_on):
            raise forms.ValidationError(problem)
        return held_on

    def clean_document(self) -> UploadedFile[bytes]:
        document: UploadedFile[bytes] = self.cleaned_data["document"]
        if problem := pdf_problem(document) or upload_problem(document, kinds=("pdf",)):
            raise forms.ValidationError(problem)
        return document


class SignatureForm(Form):
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label="Organisation signataire", queryset=Organisation.objects.none(), empty_label="—"
    )
    signatory = forms.CharField(
        label="Signataire",
        max_length=200,
        help_text="Nom et qualité, par exemple : Jeanne Dupont, préfète.",
    )
    signed_on = forms.DateField(label="Signée le", widget=DateInput)

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.strategy = strategy
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=strategy.council.members.values("organisation")
        )
        self.fields["organisation"].help_text = "Parmi les membres du conseil."

    def clean_signed_on(self) -> datetime.date:
        signed_on: datetime.date = self.cleaned_data["signed_on"]
        if problem := signature_problem(self.strategy, signed_on):
            raise forms.ValidationError(problem)
        return signed_on
