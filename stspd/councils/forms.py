import datetime
from typing import Any

from django import forms
from django.db import models
from django.db.models import Q
from django.utils import timezone

from stspd.accounts.models import Organisation, User
from stspd.core.forms import DateInput, DateTimeInput, Form, ModelForm
from stspd.core.uploads import upload_problem

from .enums import AttendanceStatus, ConvocationAnswer, MemberPresence, Role
from .models import (
    Council,
    CouncilMember,
    Decision,
    Formation,
    FormationMember,
    Meeting,
    MeetingDocument,
    MemberAttendance,
    Representative,
    earliest_meeting_date,
)

# A meeting planned further ahead than this is almost certainly a typing error.
MEETING_HORIZON_YEARS = 3


def years_later(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class CouncilCreateForm(ModelForm):
    class Meta:
        model = Council
        fields = ["name", "president"]


class CouncilForm(ModelForm):
    class Meta:
        model = Council
        fields = ["name", "president", "coordinator"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = User.objects.filter(  # type: ignore[attr-defined]  # the stubs type form fields as Field; this one is a ModelChoiceField
            council_roles__council=self.instance, council_roles__role=Role.COORDINATOR
        )
        self.fields["coordinator"].help_text = "Parmi les personnes ayant le rôle de coordination."


class OrganisationForm(ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind"]


class CouncilMemberForm(ModelForm):
    scoped_fields = ("council",)

    class Meta:
        model = CouncilMember
        fields = ["organisation", "representative", "basis"]


class RoleForm(Form):
    """Give a person a role in the council; the account is created if the address is new."""

    email = forms.EmailField(label="Adresse électronique")
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=Organisation.objects.all(), required=False
    )
    # No default: the person giving the role chooses it (a default "Coordinateur" handed full
    # rights to whoever was invited without a second look).
    role = forms.ChoiceField(
        label="Rôle", choices=[("", "Choisir un rôle"), *Role.choices], initial=""
    )

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.council = council

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        if self.council.roles.filter(user__email=email).exists():
            raise forms.ValidationError("Cette personne a déjà un rôle dans ce conseil.")
        return email


class FormationForm(ModelForm):
    scoped_fields = ("council",)

    class Meta:
        model = Formation
        fields = ["name", "scope", "description", "charter", "quorum_percent"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.is_working_group:
            del self.fields["scope"]
            del self.fields["charter"]
        else:
            self.fields["scope"].required = True
            self.fields["charter"].required = True


class FormationMemberForm(ModelForm):
    scoped_fields = ("formation",)

    class Meta:
        model = FormationMember
        fields = ["user", "organisation"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        council = self.instance.formation.council
        self.fields["user"].queryset = User.objects.filter(  # type: ignore[attr-defined]  # the stubs type form fields as Field; this one is a ModelChoiceField
            council_roles__council=council
        )
        self.fields["user"].help_text = "Parmi les personnes ayant un rôle dans le conseil."
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]  # the stubs type form fields as Field; this one is a ModelChoiceField
            council_seats__council=council
        )


def https_by_default(field: Any, **kwargs: Any) -> Any:
    """A link typed without its scheme ("visio.example.org/abc") is read as https."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class MeetingForm(ModelForm):
    class Meta:
        model = Meeting
        fields = ["starts_at", "ends_at", "place", "video_link", "agenda", "minutes"]
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput()}
        formfield_callback = https_by_default

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "minutes" in self.fields and self.instance.pk and self.instance.approvals.exists():
            # Approved minutes are a record: frozen (the field is ignored if posted anyway).
            self.fields["minutes"].disabled = True
            self.fields["minutes"].help_text = "Approuvé en séance : le compte rendu est figé."
        formation = self.instance.formation if self.instance.formation_id else None
        if "video_link" in self.fields and formation and formation.is_working_group:
            del self.fields["video_link"]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", "La fin doit suivre le début de la séance.")
        return data

    def clean_starts_at(self) -> datetime.datetime:
        starts_at: datetime.datetime = self.cleaned_data["starts_at"]
        earliest = earliest_meeting_date()
        latest = years_later(timezone.localdate(), MEETING_HORIZON_YEARS)
        if not earliest <= timezone.localtime(starts_at).date() <= latest:
            raise forms.ValidationError(
                f"La date doit être comprise entre le {earliest:%d/%m/%Y} et le {latest:%d/%m/%Y}."
            )
        return starts_at


class DecisionForm(ModelForm):
    class Meta:
        model = Decision
        fields = ["text", "owner", "due_on", "status", "follow_up"]
        widgets = {"due_on": DateInput(), "text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The current owner stays a valid choice even if it has left the council since.
        self.fields["owner"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]  # the stubs type form fields as Field; this one is a ModelChoiceField
            Q(council_seats__council=self.instance.meeting.formation.council)
            | Q(pk=self.instance.owner_id)
        ).distinct()
        self.fields["owner"].help_text = "Une organisation membre du conseil."
        # Follow-up decisions (the only ones this form makes) have an owner and a due date.
        self.fields["owner"].required = True
        self.fields["due_on"].required = True

    def clean_due_on(self) -> datetime.date:
        due_on: datetime.date = self.cleaned_data["due_on"]
        meeting_day = timezone.localtime(self.instance.meeting.starts_at).date()
        if due_on < meeting_day:
            raise forms.ValidationError(
                f"L'échéance ne peut pas précéder la séance du {meeting_day:%d/%m/%Y}."
            )
        return due_on


class RepresentativeForm(ModelForm):
    class Meta:
        model = Representative
        fields = ["name", "function", "email", "is_substitute"]


class MemberAttendanceForm(Form):
    """Per member organisation: how it took part, who sat, and who held its proxy."""

    def __init__(
        self,
        *args: Any,
        organisations: list[Organisation],
        current: dict[int, MemberAttendance],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        choices = [("", "Non renseignée"), *MemberPresence.choices]
        self.organisations = organisations
        for organisation in organisations:
            row = current.get(organisation.pk)
            key = organisation.pk
            self.fields[f"status_{key}"] = forms.ChoiceField(
                label=f"{organisation} : participation",
                choices=choices,
                required=False,
                initial=row.status if row else "",
            )
            self.fields[f"attendee_{key}"] = forms.CharField(
                label=f"{organisation} : personne présente",
                max_length=200,
                required=False,
                initial=row.attendee if row else "",
            )
            self.fields[f"proxy_{key}"] = forms.CharField(
                label=f"{organisation} : représentée par",
                max_length=200,
                required=False,
                initial=row.represented_by if row else "",
                help_text="Seulement en cas de représentation.",
            )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean()
        for organisation in self.organisations:
            key = organisation.pk
            if (
                data.get(f"status_{key}") == MemberPresence.REPRESENTED
                and not (data.get(f"proxy_{key}") or "").strip()
            ):
                self.add_error(f"proxy_{key}", "Indiquez par qui l'organisation est représentée.")
        return data

    def rows(self) -> dict[int, tuple[str, str, str]]:
        return {
            o.pk: (
                self.cleaned_data[f"status_{o.pk}"],
                self.cleaned_data[f"attendee_{o.pk}"],
                self.cleaned_data[f"proxy_{o.pk}"],
            )
            for o in self.organisations
        }


class MeetingDocumentForm(ModelForm):
    class Meta:
        model = MeetingDocument
        fields = ["title", "file"]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if problem := upload_problem(upload, kinds=("pdf", "xlsx")):
            raise forms.ValidationError(problem)
        return upload


class ConvocationAnswerForm(Form):
    answer = forms.ChoiceField(
        label="Votre réponse",
        choices=[c for c in ConvocationAnswer.choices if c[0]],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Qui vous représentera ? (ou une précision)", max_length=200, required=False
    )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean()
        if (
            data.get("answer") == ConvocationAnswer.REPRESENTED
            and not (data.get("comment") or "").strip()
        ):
            self.add_error("comment", "Indiquez qui vous représentera.")
        return data


class MinutesApprovalForm(Form):
    approved = forms.ModelChoiceField(
        label="Compte rendu approuvé", queryset=Meeting.objects.none(), empty_label="—"
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["approved"]
        field.queryset = (
            Meeting.objects.filter(
                formation=meeting.formation, starts_at__lt=meeting.starts_at, approvals=None
            )
            .exclude(minutes="")
            .order_by("-starts_at")
        )
        field.label_from_instance = lambda m: f"Séance du {m.starts_at:%d/%m/%Y}"


class AttendanceForm(Form):
    """One choice per expected participant; left empty, nothing is recorded for them."""

    def __init__(
        self, *args: Any, people: list[User], initial_status: dict[int, str], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        choices = [("", "Non renseigné"), *AttendanceStatus.choices]
        for person in people:
            self.fields[f"user_{person.pk}"] = forms.ChoiceField(
                label=str(person),
                choices=choices,
                required=False,
                initial=initial_status.get(person.pk, ""),
            )
        self.people = {f"user_{p.pk}": p for p in people}
