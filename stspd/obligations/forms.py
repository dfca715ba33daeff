from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils import timezone

from stspd.core.forms import DateInput, Form, ModelForm
from stspd.councils.enums import FormationKind
from stspd.councils.models import Council, Meeting
from stspd.strategy.models import Action

from .models import Agreement, MeetingItem, PlanPriority, YearlyReturn
from .national import frameworks


def _meeting_label(meeting: Meeting) -> str:
    return f"{meeting.formation.name}, {timezone.localtime(meeting.starts_at):%d/%m/%Y}"


def _action_label(action: Action) -> str:
    return f"{action.title} ({action.objective.axis.strategy.title})"


class MeetingItemForm(ModelForm):
    scoped_fields = ("meeting",)

    class Meta:
        model = MeetingItem
        fields = ["meeting", "kind", "note"]

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Plenary and restricted meetings already held: a working group's meeting is not the
        # council's, and an item of a meeting yet to come has not happened.
        meetings = (
            Meeting.objects.filter(
                formation__council=council, starts_at__date__lte=timezone.localdate()
            )
            .exclude(formation__kind=FormationKind.WORKING_GROUP)
            .select_related("formation")
            .order_by("-starts_at")
        )
        field = cast(forms.ModelChoiceField, self.fields["meeting"])  # type: ignore[type-arg]  # generic in the stubs only
        field.queryset = meetings
        field.label = "séance"
        field.label_from_instance = _meeting_label  # type: ignore[method-assign, assignment]  # Django's documented way to label the choices
        field.error_messages["invalid_choice"] = (
            "Choisissez une séance plénière ou restreinte déjà tenue de ce conseil."
        )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        meeting = data.get("meeting")
        if (
            data.get("kind") == "rules"
            and meeting is not None
            and meeting.formation.kind != FormationKind.PLENARY
        ):
            self.add_error("meeting", "Le règlement intérieur se vote en séance plénière.")
        return data


class AgreementForm(ModelForm):
    class Meta:
        model = Agreement
        fields = [
            "kind",
            "title",
            "parties",
            "signed_on",
            "ends_on",
            "renewal_due_on",
            "evaluation_due_on",
            "last_evaluated_on",
            "actions",
        ]
        widgets = {
            "signed_on": DateInput(),
            "ends_on": DateInput(),
            "renewal_due_on": DateInput(),
            "evaluation_due_on": DateInput(),
            "last_evaluated_on": DateInput(),
            "parties": forms.Textarea(attrs={"rows": 3}),
            "actions": forms.CheckboxSelectMultiple(),
        }

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["actions"])  # type: ignore[type-arg]  # generic in the stubs only
        field.queryset = Action.objects.filter(
            objective__axis__strategy__council=council
        ).select_related("objective__axis__strategy")
        field.label_from_instance = _action_label  # type: ignore[method-assign, assignment]  # Django's documented way to label the choices

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        signed_on = data.get("signed_on")
        today = timezone.localdate()
        if signed_on and signed_on > today:
            self.add_error("signed_on", "La date de signature ne peut pas être dans le futur.")
        evaluated = data.get("last_evaluated_on")
        if evaluated and signed_on and evaluated < signed_on:
            self.add_error(
                "last_evaluated_on", "La dernière évaluation ne peut précéder la signature."
            )
        if evaluated and evaluated > today:
            self.add_error("last_evaluated_on", "La dernière évaluation ne peut être future.")
        return data


class YearlyReturnForm(ModelForm):
    class Meta:
        model = YearlyReturn
        fields = ["coordination_fte", "situations_examined"]
        # "0,5" as French people type it (a number input would refuse the comma).
        localized_fields = ["coordination_fte"]

    def clean_coordination_fte(self) -> Decimal:
        value: Decimal = self.cleaned_data["coordination_fte"]
        if value < 0 or value > 10:
            raise forms.ValidationError("Indiquez un temps entre 0 et 10 ETP, par exemple 0,5.")
        return value


class SortForm(Form):
    """The département view's table order (server-side: works without JavaScript)."""

    tri = forms.ChoiceField(
        label="Trier par",
        required=False,
        choices=[
            ("population", "population décroissante"),
            ("nom", "nom de la commune"),
            ("conseil", "communes sans conseil d'abord"),
        ],
    )


class PlanPriorityForm(ModelForm):
    class Meta:
        model = PlanPriority
        fields = ["plan", "starts_on", "ends_on", "code", "label"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    scoped_fields = ("departement",)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on <= starts_on:
            self.add_error("ends_on", "La fin du plan doit suivre son début.")
        return data


class NationalAxesForm(Form):
    """The national strategies' axes a fiche action serves: one group of boxes per strategy;
    then the priorities of the préfet's plan of the council's département."""

    def __init__(
        self,
        *args: Any,
        initial_tags: set[tuple[str, str]],
        priorities: list[PlanPriority],
        initial_priorities: set[int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.frameworks = frameworks()
        for index, framework in enumerate(self.frameworks):
            label = framework.title + (" (axes annoncés)" if framework.announced else "")
            self.fields[f"cadre_{index}"] = forms.MultipleChoiceField(
                label=label,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[(axis.code, f"Axe {axis.code} — {axis.label}") for axis in framework.axes],
                initial=[axis for code, axis in initial_tags if code == framework.code],
                error_messages={"invalid_choice": "Cet axe n'existe pas dans cette stratégie."},
            )
        if priorities:
            self.fields["priorites"] = forms.MultipleChoiceField(
                label="Priorités du plan départemental du préfet",
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[(str(p.pk), f"{p.plan} — {p.code}. {p.label}") for p in priorities],
                initial=[str(pk) for pk in initial_priorities],
                error_messages={"invalid_choice": "Cette priorité n'est pas celle du département."},
            )

    def priority_ids(self) -> set[int]:
        return {int(pk) for pk in self.cleaned_data.get("priorites", [])}

    def tags(self) -> set[tuple[str, str]]:
        return {
            (framework.code, axis)
            for index, framework in enumerate(self.frameworks)
            for axis in self.cleaned_data[f"cadre_{index}"]
        }
