"""The form of an indicator fed by the council's surveys: a question and the answers counted."""

from __future__ import annotations

from typing import Any

from django import forms

from stspd.core.forms import ModelForm
from stspd.councils.models import Council
from stspd.indicators.enums import Direction, IndicatorKind
from stspd.indicators.models import SURVEY_UNIT, IndicatorDefinition
from stspd.surveys.enums import QuestionKind
from stspd.surveys.models import Question

SEPARATOR = ":"


def survey_questions(council: Council) -> dict[str, Question]:
    """Code -> the question as the council's latest survey asks it (single or multiple choice:
    a share has answers to count)."""
    found: dict[str, Question] = {}
    questions = (
        Question.objects.filter(
            version__survey__council=council,
            kind__in=[QuestionKind.SINGLE, QuestionKind.MULTIPLE],
        )
        .select_related("version__survey")
        .order_by("-version__survey__created_at", "-version__number", "position")
    )
    for question in questions:
        found.setdefault(question.code, question)
    return dict(sorted(found.items(), key=lambda item: item[1].position))


class SurveyIndicatorForm(ModelForm):
    """Name, kind and direction of the indicator; its unit is always %."""

    scoped_fields = ("council",)

    answers = forms.MultipleChoiceField(
        label="Réponses comptées",
        help_text="Cochez une ou plusieurs réponses d'une même question : la valeur de chaque "
        "vague est la part pondérée des habitants qui donnent l'une d'elles.",
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = IndicatorDefinition
        fields = ["name", "kind", "direction", "description"]

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = survey_questions(council)
        self.fields["answers"].choices = [  # type: ignore[attr-defined]  # a MultipleChoiceField
            (
                f"{question.text} ({code})",
                [(f"{code}{SEPARATOR}{value}", label) for value, label in question.choices],
            )
            for code, question in self.questions.items()
        ]
        self.fields["kind"].choices = [  # type: ignore[attr-defined]  # a TypedChoiceField
            (IndicatorKind.RESULT, IndicatorKind.RESULT.label),
            (IndicatorKind.CONTEXT, IndicatorKind.CONTEXT.label),
        ]
        self.fields["direction"].required = True
        self.fields["direction"].choices = Direction.choices  # type: ignore[attr-defined]  # a TypedChoiceField

    def clean_answers(self) -> list[str]:
        picked: list[str] = self.cleaned_data["answers"]
        codes = {item.split(SEPARATOR, 1)[0] for item in picked}
        if len(codes) != 1:
            raise forms.ValidationError(
                "Cochez des réponses d'une seule question : un indicateur suit une question, "
                f"et vous en avez coché {len(codes)}."
            )
        (code,) = codes
        self.instance.survey_question = code
        self.instance.survey_answers = [item.split(SEPARATOR, 1)[1] for item in picked]
        self.instance.unit = SURVEY_UNIT
        return picked
