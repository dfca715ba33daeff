from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.text import slugify

from stspd.core.forms import Form, ModelForm
from stspd.core.uploads import upload_problem
from stspd.observatory.models import DiagnosticSection

from .enums import Method, QuestionKind
from .models import Question, Survey
from .personal import personal_data_problem
from .workflow import MAX_CODES, choices_problem, insee_departements


def parse_choices(text: str) -> list[list[str]]:
    """One answer a line, "code : libellé" or just the label (its code made from it)."""
    choices = []
    for line in text.splitlines():
        if not line.strip():
            continue
        code, sep, label = line.partition(":")
        if not sep:
            code, label = slugify(line)[:40], line
        choices.append([code.strip(), label.strip()])
    return choices


def choices_text(choices: list[list[str]]) -> str:
    return "\n".join(f"{value} : {label}" for value, label in choices)


class SurveyForm(ModelForm):
    neighbourhoods = forms.CharField(
        label="Quartiers ou communes proposés",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Un par ligne. Ce sont les réponses de la question de profil « quartier ».",
    )

    class Meta:
        model = Survey
        fields = ["title", "territory", "access_mode", "per_address_limit"]
        widgets = {"access_mode": forms.RadioSelect}

    def clean_neighbourhoods(self) -> list[list[str]]:
        choices = parse_choices(self.cleaned_data["neighbourhoods"])
        if problem := choices_problem(QuestionKind.PROFILE, choices):
            raise forms.ValidationError(problem)
        return choices

    def clean_per_address_limit(self) -> int:
        limit = int(self.cleaned_data["per_address_limit"])
        if limit < 1:
            raise forms.ValidationError("Au moins une réponse par adresse.")
        return limit


class SurveyEditForm(ModelForm):
    """Title, territory and limit at any time; the collection mode only before opening."""

    class Meta:
        model = Survey
        fields = ["title", "territory", "access_mode", "per_address_limit"]
        widgets = {"access_mode": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.status != "draft":
            self.fields["access_mode"].disabled = True
            self.fields["access_mode"].help_text = "Fixé à l'ouverture de la collecte."

    def clean_per_address_limit(self) -> int:
        limit = int(self.cleaned_data["per_address_limit"])
        if limit < 1:
            raise forms.ValidationError("Au moins une réponse par adresse.")
        return limit


class QuestionForm(ModelForm):
    choices_text = forms.CharField(
        label="Réponses proposées",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Questions à choix : une réponse par ligne, « code : libellé » "
        "ou le libellé seul.",
    )

    class Meta:
        model = Question
        fields = ["text", "code", "kind", "help_text", "section", "required"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = [(k, label) for k, label in QuestionKind.choices if k != QuestionKind.PROFILE]
        if self.instance.pk and self.instance.kind == QuestionKind.PROFILE:
            kinds = [(QuestionKind.PROFILE, QuestionKind.PROFILE.label)]
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]  # a ChoiceField
        if self.instance.pk:
            self.fields["choices_text"].initial = choices_text(self.instance.choices)
            if self.instance.core:
                self.fields["code"].disabled = True
                self.fields["kind"].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        choices = parse_choices(data.get("choices_text", ""))
        if (kind := data.get("kind")) and (problem := choices_problem(kind, choices)):
            self.add_error("choices_text", problem)
        self.instance.choices = choices
        return data


class CodesForm(Form):
    count = forms.IntegerField(
        label="Nombre de codes à créer",
        min_value=1,
        max_value=MAX_CODES,
        help_text="Un par habitant tiré au sort. Les codes sont affichés une seule fois, dans le "
        "fichier téléchargé : seule leur empreinte est conservée.",
    )


class MarginForm(Form):
    """The population of each answer of a profile question."""

    def __init__(self, *args: Any, question: Question, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.question = question
        for value, label in question.choices:
            self.fields[f"n_{value}"] = forms.IntegerField(
                label=f"Population « {label} »", min_value=1
            )
        self.fields["note"] = forms.CharField(
            label="Provenance des chiffres",
            max_length=300,
            help_text="Par exemple : recensement de la population 2021, INSEE, IRIS de la ville.",
        )

    def totals(self) -> dict[str, float]:
        return {value: float(self.cleaned_data[f"n_{value}"]) for value, _ in self.question.choices}


class InseeMarginForm(Form):
    departement = forms.ChoiceField(label="Département")
    territory_population = forms.IntegerField(
        label="Habitants de 15 ans ou plus du territoire enquêté",
        required=False,
        min_value=1,
        help_text="Donné, la répartition du département est appliquée à ce nombre : les marges "
        "portent alors toutes sur la population du territoire. Laissé vide, la marge est la "
        "population du département.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departement = self.fields["departement"]
        assert isinstance(departement, forms.ChoiceField)
        departement.choices = [(d, d) for d in insee_departements()]


class WeightingForm(Form):
    method = forms.ChoiceField(
        label="Méthode", choices=Method.choices, initial=Method.RAKING, widget=forms.RadioSelect
    )
    lower_bound = forms.DecimalField(
        label="Borne basse du rapport des poids (logit)", required=False, initial=Decimal("0.3")
    )
    upper_bound = forms.DecimalField(
        label="Borne haute du rapport des poids (logit)", required=False, initial=Decimal("3")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("method") == Method.LOGIT:
            low, high = data.get("lower_bound"), data.get("upper_bound")
            if low is None or high is None or not 0 <= low < 1 < high:
                raise forms.ValidationError(
                    "Le calage logit demande deux bornes : une basse entre 0 et 1 (exclu), "
                    "une haute au-dessus de 1."
                )
        return data

    def bounds(self) -> tuple[float, float] | None:
        if self.cleaned_data["method"] != Method.LOGIT:
            return None
        return float(self.cleaned_data["lower_bound"]), float(self.cleaned_data["upper_bound"])


class AnswerForm(Form):
    """The questionnaire as a form: every question optional unless marked required (a resident
    may skip a question), free texts refused when they hold personal data."""

    def __init__(
        self, *args: Any, questions: list[Question], ask_code: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        if ask_code:
            self.fields["invitation_code"] = forms.CharField(
                label="Code d'invitation",
                max_length=20,
                help_text="Le code à 10 caractères imprimé sur votre courrier, par exemple "
                "ABCDE-23456.",
                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            )
        for question in questions:
            self.fields[question.code] = self.field_for(question)

    @staticmethod
    def field_for(question: Question) -> forms.Field:
        common: dict[str, Any] = {
            "label": question.text,
            "required": question.required,
            "help_text": question.help_text,
        }
        if question.kind in (QuestionKind.SINGLE, QuestionKind.PROFILE):
            return forms.ChoiceField(
                choices=[(v, label) for v, label in question.choices],
                widget=forms.RadioSelect,
                **common,
            )
        if question.kind == QuestionKind.MULTIPLE:
            return forms.MultipleChoiceField(
                choices=[(v, label) for v, label in question.choices],
                widget=forms.CheckboxSelectMultiple,
                **common,
            )
        if question.kind == QuestionKind.NUMBER:
            return forms.DecimalField(
                max_digits=12,
                decimal_places=2,
                localize=True,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                **common,
            )
        return forms.CharField(max_length=500, **common)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for question in self.questions:
            text = data.get(question.code) if question.kind == QuestionKind.TEXT else None
            if text and (problem := personal_data_problem(text)):
                self.add_error(question.code, problem)
        return data

    def answers(self) -> dict[str, Any]:
        """{question code: value} as stored (numbers as int or float)."""
        out: dict[str, Any] = {}
        for question in self.questions:
            value = self.cleaned_data.get(question.code)
            if isinstance(value, Decimal):
                value = int(value) if value == value.to_integral_value() else float(value)
            out[question.code] = value
        return out


class ImportForm(Form):
    file = forms.FileField(
        label="Fichier de l'institut (CSV ou XLSX)",
        help_text="Une ligne par questionnaire, une colonne par question. Les colonnes non "
        "reprises (identifiants, noms) sont ignorées et jamais conservées.",
    )
    mapping = forms.CharField(
        label="Correspondance des colonnes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Une ligne par question dont la colonne ne porte pas le code : "
        "« code de la question = en-tête de la colonne ». Les autres colonnes sont lues par "
        "le code de la question (par exemple « insecurite_quartier »).",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if problem := upload_problem(upload, kinds=("csv", "xlsx")):
            raise forms.ValidationError(problem)
        return upload

    def clean_mapping(self) -> dict[str, str]:
        mapping = {}
        for number, line in enumerate(self.cleaned_data["mapping"].splitlines(), 1):
            if not line.strip():
                continue
            code, sep, header = line.partition("=")
            if not sep or not code.strip() or not header.strip():
                raise forms.ValidationError(
                    f"Ligne {number} de la correspondance : « {line.strip()} » n'a pas la forme "
                    "« code de la question = en-tête de la colonne »."
                )
            mapping[code.strip()] = header.strip()
        return mapping


class DiagnosticEmbedForm(ModelForm):
    """The section of the council's diagnostic that shows the survey's published results."""

    class Meta:
        model = Survey
        fields = ["diagnostic_section"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["diagnostic_section"]
        field.queryset = DiagnosticSection.objects.filter(  # type: ignore[attr-defined]  # a ModelChoiceField
            diagnostic__council=self.instance.council
        ).order_by("position", "pk")
        field.empty_label = "Ne pas montrer l'enquête dans le diagnostic"  # type: ignore[attr-defined]  # a ModelChoiceField
        field.help_text = (
            "Les parts pondérées des questions principales, avec leurs intervalles et la méthode "
            "en une phrase, s'affichent sous le texte de cette section, dans la page du "
            "diagnostic et dans son PDF, telles qu'elles ont été publiées."
        )
