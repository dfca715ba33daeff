from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from crimestats.partner_files import ROLES, Table, fold
from stspd.accounts.models import Organisation
from stspd.core.forms import DateInput, Form, ModelForm
from stspd.core.uploads import upload_problem

from .models import LocalIndicator, Source
from .workflow import IGNORE, MAX_UPLOAD_BYTES

EXTENSIONS = (".csv", ".xlsx")


class SourceForm(ModelForm):
    scoped_fields = ("council",)

    class Meta:
        model = Source
        fields = ["name", "organisation", "kind"]
        help_texts = {"name": "Par exemple « Main courante de la police municipale »."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = Organisation.objects.filter(  # type: ignore[attr-defined]  # the stubs type form fields as Field; this one is a ModelChoiceField
            council_seats__council=self.instance.council
        )
        field.help_text = "Parmi les organisations membres du conseil."


class LocalIndicatorForm(ModelForm):
    scoped_fields = ("council",)

    class Meta:
        model = LocalIndicator
        fields = ["label", "unit"]
        help_texts = {
            "label": "Par exemple « Incivilités signalées à la police municipale ».",
            "unit": "Ce que compte une unité, au singulier : signalement, incident, médiation…",
        }


class UploadForm(Form):
    file = forms.FileField(
        label="Fichier du partenaire",
        help_text=(
            "Formats acceptés : .csv (séparateur « ; » ou « , ») et .xlsx, "
            f"{MAX_UPLOAD_BYTES // (1024 * 1024)} Mo au plus. La ligne 1 porte les titres des "
            "colonnes. Les colonnes nominatives sont écartées dès la lecture."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS)}),
    )
    sheet = forms.CharField(
        label="Feuille à lire (classeur Excel)",
        required=False,
        max_length=100,
        help_text="Par défaut, la première feuille.",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(EXTENSIONS):
            raise ValidationError(
                f"« {upload.name} » : seuls les fichiers .csv et .xlsx sont acceptés."
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                f"Le fichier dépasse {MAX_UPLOAD_BYTES // (1024 * 1024)} Mo : découpez-le par mois."
            )
        if problem := upload_problem(upload, kinds=("csv", "xlsx"), max_bytes=MAX_UPLOAD_BYTES):
            raise ValidationError(problem)
        return upload


ROLE_CHOICES = [("", "Ne pas utiliser"), *ROLES.items()]


class MappingForm(Form):
    """Every select of a mapping may stay empty: no "(optionnel)" mark on each."""

    def get_context(self) -> dict[str, Any]:
        context = super().get_context()
        context["DSFR_MARK_OPTIONAL_FIELDS"] = False
        return context


class ColumnsForm(MappingForm):
    """One select per column of the file: the role it plays, or none."""

    def __init__(self, *args: Any, table: Table, initial_roles: dict[str, str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.headers = table.headers
        role_of = {header: role for role, header in initial_roles.items()}
        for index, header in enumerate(table.headers):
            examples = [v for v in table.column(header)[:50] if v][:3]
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header,
                choices=ROLE_CHOICES,
                required=False,
                initial=role_of.get(header, ""),
                help_text=("Exemples : " + " ; ".join(examples)) if examples else "Colonne vide",
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        roles: dict[str, str] = {}
        for index, header in enumerate(self.headers):
            role = cleaned.get(f"col_{index}")
            if not role:
                continue
            if role in roles:
                raise ValidationError(
                    f"« {ROLES[role]} » est associé à deux colonnes : « {roles[role]} » et "
                    f"« {header} »."
                )
            roles[role] = header
        missing = [ROLES[role] for role in ("date", "category") if role not in roles]
        if missing:
            raise ValidationError("Associez une colonne à : " + ", ".join(missing) + ".")
        if ("lon" in roles) != ("lat" in roles):
            raise ValidationError("Associez à la fois une colonne de longitude et de latitude.")
        self.roles = roles
        return cleaned


class CategoriesForm(MappingForm):
    """One select per category of the file: a local indicator, a new one, or ignore. A category
    left undecided makes its rows errors in the preview ("catégorie inconnue")."""

    def __init__(
        self,
        *args: Any,
        categories: list[tuple[str, int]],
        indicators: list[LocalIndicator],
        saved: dict[str, int | None],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.categories = [label for label, _ in categories]
        saved_folded = {fold(k): v for k, v in saved.items()}
        by_label = {fold(i.label): i.pk for i in indicators}
        for index, (label, rows) in enumerate(categories):
            key = fold(label)
            if key in saved_folded:
                target = saved_folded[key]
                initial = IGNORE if target is None else str(target)
            else:
                initial = str(by_label[key]) if key in by_label else ""
            self.fields[f"cat_{index}"] = forms.ChoiceField(
                label=f"{label} ({rows} ligne{'s' if rows > 1 else ''})",
                choices=[
                    ("", "— À choisir (lignes en erreur d'ici là) —"),
                    *[(str(i.pk), f"{i.label} ({i.unit})") for i in indicators],
                    ("new", f"Créer l'indicateur « {label} »"),
                    (IGNORE, "Ne pas importer ces lignes"),
                ],
                initial=initial,
                required=False,
            )

    def choices(self) -> dict[str, str]:
        return {
            label: self.cleaned_data[f"cat_{index}"]
            for index, label in enumerate(self.categories)
            if self.cleaned_data[f"cat_{index}"]
        }


class MapFilterForm(MappingForm):
    """The hot-spot map's filters, read from the query string."""

    indicator = forms.ModelChoiceField(
        label="Indicateur local",
        queryset=LocalIndicator.objects.none(),
        required=False,
        empty_label="Tous les indicateurs",
    )
    start = forms.DateField(label="Du", required=False, widget=DateInput())
    end = forms.DateField(label="Au", required=False, widget=DateInput())

    def __init__(self, *args: Any, council: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = council.partner_indicators.all()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise ValidationError("La date de début doit précéder la date de fin.")
        return cleaned
