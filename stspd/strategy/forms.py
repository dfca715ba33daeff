"""Forms of the strategy's editing room: each checks what a coordinator can get wrong, in French."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from stspd.accounts.models import Organisation
from stspd.core.forms import DateInput, ModelForm
from stspd.councils.models import Council
from stspd.indicators.enums import IndicatorKind
from stspd.indicators.library import library_for

from .models import (
    Action,
    ActionIndicator,
    ActionPartner,
    Axis,
    BudgetLine,
    Milestone,
    Objective,
    ObjectiveIndicator,
    Strategy,
)
from .rules import (
    ACTION_INDICATOR_KIND,
    DUPLICATE_ACTION_INDICATOR,
    DUPLICATE_OBJECTIVE_INDICATOR,
    NEGATIVE_AMOUNT,
    OBJECTIVE_INDICATOR_KIND,
    OBJECTIVE_INDICATOR_KINDS,
    Problems,
    Span,
    action_problems,
    activity_target_problem,
    budget_line_problems,
    budget_years_problem,
    milestone_problems,
    objective_indicator_problems,
    period_problem,
    period_years,
)


def add_problems(
    form: forms.BaseForm, rule: Callable[..., Problems], *names: str, **values: Any
) -> None:
    """Ask a rule of rules.py about the form's strategy and cleaned fields `names`, and put its
    messages under their fields (a field already refused keeps its own message)."""
    data = form.cleaned_data
    problems = rule(
        form.strategy,  # type: ignore[attr-defined]  # every form passed here sets self.strategy in its __init__
        **{name: data.get(name) for name in names},
        **values,
    )
    for name, message in problems.items():
        if name not in form.errors:
            form.add_error(name, message)


def council_organisations(council: Council) -> QuerySet[Organisation]:
    """Leads and partners are chosen among the council's members."""
    return Organisation.objects.filter(council_seats__council=council).distinct()


def refuse_second_use(form: "forms.ModelForm[Any]", uses: QuerySet[Any], message: str) -> None:
    """An indicator follows an element once (`uses`: the element's other indicators)."""
    definition = form.cleaned_data.get("definition")
    if (
        definition is not None
        and uses.filter(definition=definition).exclude(pk=form.instance.pk).exists()
    ):
        form.add_error("definition", message)


class StrategyCreateForm(ModelForm):
    """A new strategy: the period runs three years from its start unless an end is given."""

    class Meta:
        model = Strategy
        fields = ["title", "starts_on", "ends_on", "evaluation_method"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}
        help_texts = {"ends_on": "Laissez vide pour une période de trois ans."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ends_on"].required = False

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and not ends_on:
            data["ends_on"] = Strategy.default_period(starts_on)[1]
            self.instance.ends_on = data["ends_on"]
        elif problem := period_problem(starts_on, ends_on):
            self.add_error("ends_on", problem)
        return data


class StrategyForm(StrategyCreateForm):
    """A new period must still hold the years of the budget lines already written."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ends_on"].required = True
        self.fields["ends_on"].help_text = ""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and not self.errors:
            years = BudgetLine.objects.filter(
                action__objective__axis__strategy=self.instance
            ).values_list("year", flat=True)
            if problem := budget_years_problem(Span(starts_on, ends_on), years):
                self.add_error(None, problem)
        return data


class AxisForm(ModelForm):
    class Meta:
        model = Axis
        fields = ["title", "description"]


class ObjectiveForm(ModelForm):
    class Meta:
        model = Objective
        fields = ["statement", "unquantified_reason"]
        widgets = {"statement": forms.Textarea(attrs={"rows": 2})}


class ObjectiveIndicatorForm(ModelForm):
    """A result or context indicator of an objective: baseline (value and date), target and
    deadline inside the strategy's period, and a direction the target agrees with."""

    class Meta:
        model = ObjectiveIndicator
        fields = [
            "definition",
            "baseline_value",
            "baseline_on",
            "target_value",
            "deadline",
            "direction",
            "commune",
            "public",
            "explains",
        ]
        widgets = {
            "baseline_on": DateInput(),
            "deadline": DateInput(),
            "explains": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.strategy = strategy
        self.fields["definition"].queryset = library_for(strategy.council).filter(  # type: ignore[attr-defined]  # the stubs type form fields as Field; this one is a ModelChoiceField
            kind__in=OBJECTIVE_INDICATOR_KINDS
        )
        definition = self.fields["definition"]
        definition.help_text = "Un indicateur de résultat ou de contexte de la bibliothèque."
        definition.error_messages["invalid_choice"] = OBJECTIVE_INDICATOR_KIND
        commune = self.fields["commune"]
        commune.queryset = strategy.council.communes().order_by("name")  # type: ignore[attr-defined]  # the stubs type form fields as Field; this one is a ModelChoiceField
        commune.empty_label = "Tout le territoire du conseil"  # type: ignore[attr-defined]  # the stubs type form fields as Field; this one is a ModelChoiceField
        explains = self.fields["explains"]
        # The result indicators of the same objective (none while it is being created).
        explains.queryset = (  # type: ignore[attr-defined]  # the stubs type form fields as Field; this one is a ModelMultipleChoiceField
            ObjectiveIndicator.objects.filter(
                objective_id=self.instance.objective_id,
                definition__kind=IndicatorKind.RESULT,
            )
            .exclude(pk=self.instance.pk)
            .select_related("definition", "commune")
        )
        explains.label_from_instance = _use_label  # type: ignore[attr-defined]  # a ModelMultipleChoiceField
        explains.label = "Indicateurs de résultat éclairés"
        explains.help_text = (
            "Pour un indicateur de contexte seulement : il est montré à côté des indicateurs "
            "de résultat cochés, sur le tableau de bord et dans l'évaluation de l'objectif. Il "
            "n'a jamais de statut."
        )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        add_problems(
            self,
            objective_indicator_problems,
            *("baseline_value", "baseline_on", "target_value", "deadline", "direction"),
        )
        uses = ObjectiveIndicator.objects.filter(objective_id=self.instance.objective_id)
        refuse_second_use(self, uses, DUPLICATE_OBJECTIVE_INDICATOR)
        definition = data.get("definition")
        if (
            data.get("explains")
            and definition is not None
            and definition.kind != IndicatorKind.CONTEXT
        ):
            self.add_error("explains", EXPLAINS_NOT_CONTEXT)
        return data


EXPLAINS_NOT_CONTEXT = (
    "Seul un indicateur de contexte éclaire des indicateurs de résultat : décochez-les, ou "
    "choisissez un indicateur de contexte."
)


def _use_label(use: ObjectiveIndicator) -> str:
    return use.definition.name + (f" — {use.commune.name}" if use.commune else "")


class ActionForm(ModelForm):
    """Every field of a fiche action. `revision` is the version the person started from: a save
    that finds another one was overtaken by someone else's (see editing.save_action)."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = Action
        fields = [
            "title",
            "problem",
            "description",
            "public",
            "communes",
            "neighbourhoods",
            "lead",
            "starts_on",
            "ends_on",
            "status",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "communes": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.strategy = strategy
        if "communes" in self.fields:
            self.fields["communes"].queryset = strategy.council.communes().order_by("name")  # type: ignore[attr-defined]  # the stubs type form fields as Field; this one is a ModelMultipleChoiceField
            self.fields["communes"].help_text = "Les communes du territoire où l'action a lieu."
        self.fields["lead"].queryset = council_organisations(strategy.council)  # type: ignore[attr-defined]  # the stubs type form fields as Field; this one is a ModelChoiceField
        self.fields["lead"].help_text = "Parmi les organisations membres du conseil."
        self.fields["revision"].initial = self.instance.revision

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        add_problems(self, action_problems, "starts_on", "ends_on")
        return data


class ActionCreateForm(ActionForm):
    """A new fiche action starts with its title and lead; the rest is filled on its page."""

    class Meta(ActionForm.Meta):
        fields = ["title", "problem", "lead"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["revision"]


class ActionPartnerForm(ModelForm):
    scoped_fields = ("action",)

    class Meta:
        model = ActionPartner
        fields = ["organisation", "role"]

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = council_organisations(strategy.council)  # type: ignore[attr-defined]  # the stubs type form fields as Field; this one is a ModelChoiceField
        self.fields["organisation"].help_text = "Parmi les organisations membres du conseil."


class MilestoneForm(ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on", "done_on"]
        widgets = {"due_on": DateInput(), "done_on": DateInput()}

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.strategy = strategy

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        add_problems(self, milestone_problems, "due_on", "done_on", today=timezone.localdate())
        return data


class BudgetLineForm(ModelForm):
    """Euros of one funder for one year of the period. Spent never exceeds committed; committed
    above planned is accepted (a funder may top up) and flagged (see `over_planned`)."""

    scoped_fields = ("action",)
    year = forms.TypedChoiceField(
        label="Année", coerce=int, help_text="Une année de la période de la stratégie."
    )

    class Meta:
        model = BudgetLine
        fields = ["funder", "funder_name", "year", "planned", "committed", "spent"]

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.strategy = strategy
        # Fields are changed in place: django-dsfr's form binds them in __init__.
        years = range(strategy.starts_on.year, strategy.ends_on.year + 1)
        self.fields["year"].choices = [(year, str(year)) for year in years]  # type: ignore[attr-defined]  # the stubs type form fields as Field; this one is a ChoiceField
        self.fields["year"].initial = self.instance.year or strategy.starts_on.year
        # A year sent outside the list gets the rule's message, as in the imports.
        self.fields["year"].error_messages["invalid_choice"] = period_years(strategy)
        for name in ("planned", "committed", "spent"):
            self.fields[name].error_messages["min_value"] = NEGATIVE_AMOUNT

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        add_problems(
            self,
            budget_line_problems,
            *("funder", "funder_name", "year", "planned", "committed", "spent"),
        )
        return data

    @property
    def over_planned(self) -> bool:
        planned = self.cleaned_data.get("planned") or Decimal(0)
        return bool((self.cleaned_data.get("committed") or Decimal(0)) > planned)


class ActionIndicatorForm(ModelForm):
    class Meta:
        model = ActionIndicator
        fields = ["definition", "target_value"]
        help_texts = {"target_value": "Facultative : la valeur visée sur la période."}

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["definition"].queryset = library_for(strategy.council).filter(  # type: ignore[attr-defined]  # the stubs type form fields as Field; this one is a ModelChoiceField
            kind=IndicatorKind.ACTIVITY
        )
        self.fields["definition"].help_text = ACTION_INDICATOR_KIND
        self.fields["definition"].error_messages["invalid_choice"] = ACTION_INDICATOR_KIND

    def clean_target_value(self) -> Decimal | None:
        value: Decimal | None = self.cleaned_data.get("target_value")
        if problem := activity_target_problem(value):
            raise ValidationError(problem)
        return value

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        uses = ActionIndicator.objects.filter(action_id=self.instance.action_id)
        refuse_second_use(self, uses, DUPLICATE_ACTION_INDICATOR)
        return data
