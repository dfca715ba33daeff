"""No person-level data in the observatory's tables.

The observatory keeps aggregated figures (SSMSI editions, blocks of series by commune) and the
council's diagnostic: never a person. Every column of its models is listed below with why it is
there, so that a new column fails these tests until someone writes down what it holds; a column
whose name looks like a person's attribute (name, birth date, address, telephone, e-mail...)
or a link to a person (a user, a council member) fails unless it is justified too.

`check_no_personal_data` is shared with the partner-data app (stspd/partnerdata/tests/).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models

# Words of a person's attribute, in field names (English) and verbose names (French), compared
# whole-word after folding accents and case ("nom" flags "nom du fichier", not "nombre").
PERSON_WORDS = {
    # names
    "name",
    "names",
    "firstname",
    "lastname",
    "surname",
    "fullname",
    "nom",
    "noms",
    "prenom",
    "prenoms",
    "patronyme",
    "identite",
    "identity",
    # birth, age, sex
    "birth",
    "birthday",
    "born",
    "dob",
    "naissance",
    "age",
    "sex",
    "sexe",
    "gender",
    # where a person lives, how to reach them
    "address",
    "adresse",
    "street",
    "domicile",
    "home",
    "phone",
    "telephone",
    "tel",
    "mobile",
    "portable",
    "email",
    "mail",
    "courriel",
    "ip",
    # identifiers of a person or of their belongings
    "nir",
    "ssn",
    "immatriculation",
    "plate",
    "plaque",
    # people in a case
    "person",
    "personne",
    "people",
    "individual",
    "individu",
    "victim",
    "victime",
    "author",
    "auteur",
    "suspect",
    "offender",
    "witness",
    "temoin",
    "complainant",
    "plaignant",
    "tenant",
    "locataire",
    "pupil",
    "eleve",
    "user",
    "utilisateur",
    "representative",
    "representant",
}
# Models that stand for a person: a link to one is a link to a person.
PERSON_MODELS = {settings.AUTH_USER_MODEL.lower(), "councils.councilmember"}

# Every column of the observatory's models -> what it holds.
COLUMNS: dict[str, dict[str, str]] = {
    "observatory.edition": {
        "id": "key",
        "source_name": "the SSMSI file's name, e.g. donnee-comm-data.gouv-2024-geographie2024",
        "sha256": "the file's checksum",
        "production_date": "the SSMSI's production date of the file",
        "cog_year": "the commune reference year of the file",
        "schema_version": "the file's layout (v1, v2)",
        "geo_level": "communes, départements or regions",
        "file_format": "csv, csv.gz or parquet",
        "label_table_version": "the version of the indicator labels",
        "first_year": "first year covered",
        "last_year": "last year covered",
        "imported_at": "when the edition was imported",
        "rows_read": "import report: a count",
        "rows_stored": "import report: a count",
        "published": "import report: a count",
        "zero": "import report: a count",
        "suppressed": "import report: a count",
        "lower_bound": "import report: a count",
        "unknown_rows": "import report: a count",
        "unknown_codes": "import report: territory codes the reference does not know",
        "merged_codes": "import report: former commune codes -> current commune codes",
    },
    "observatory.indicator": {
        "id": "key",
        "label": "the SSMSI's indicator label, e.g. Cambriolages de logement",
        "unit": "faits, victimes, infractions (a unit of count, not a person)",
        "denominator_kind": "population or dwellings",
        "retired": "no longer in the SSMSI's files",
    },
    "observatory.seriesblock": {
        "id": "key",
        "edition": "the edition the block comes from",
        "geo_level": "communes, départements or regions",
        "area": "the département (or the country) the block covers",
        "indicator": "the indicator of the block",
        "first_year": "first year of the block",
        "last_year": "last year of the block",
        "size": "number of cells",
        "codes": "territory codes (communes), one per series",
        "code_index": "packed positions of the series",
        "years": "packed years",
        "states": "packed states: published, zero, suppressed (secret statistique)",
        "counts": "packed yearly counts per territory",
        "populations": "packed populations of the territories",
        "dwellings": "packed numbers of dwellings of the territories",
        "rates": "packed rates per thousand",
    },
    "observatory.diagnostic": {
        "id": "key",
        "council": "the council whose diagnostic it is",
        "title": "the diagnostic's title",
        "updated_at": "last change",
    },
    "observatory.diagnosticsection": {
        "id": "key",
        "diagnostic": "the diagnostic it belongs to",
        "position": "order of the sections",
        "title": "the section's title",
        "text": "the coordinator's commentary, written for the council's partners",
        "indicator": "the indicator the section charts",
    },
}
# Columns whose name looks like a person's attribute, or links to a person, and why they are
# not personal data. Keep it short: each entry is a reviewed exception.
LOOKS_PERSONAL_BUT_IS_NOT: dict[str, dict[str, str]] = {
    "observatory.edition": {"source_name": "the name of a file, not of a person"},
}


def fold(text: str) -> list[str]:
    """Words of a field name or verbose name: accents and case folded, split on _ and spaces."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return [word for word in re.split(r"[^a-z0-9]+", plain) if word]


def personal_reason(field: models.Field[Any, Any]) -> str | None:
    """Why a column looks like person-level data, or None."""
    if field.is_relation and field.related_model is not None:
        target = field.related_model._meta.label_lower
        if target in PERSON_MODELS:
            return f"links to {target}, a person"
    for text in (field.name, str(field.verbose_name), getattr(field, "db_column", None) or ""):
        words = set(fold(text))
        # "first_name" -> first, name; also the joined forms (firstname, e-mail -> email)
        words |= {a + b for a, b in zip(fold(text), fold(text)[1:], strict=False)}
        found = sorted(words & PERSON_WORDS)
        if found:
            return f"{text!r} looks like a person's attribute ({', '.join(found)})"
    return None


def columns_of(app_label: str) -> dict[str, dict[str, models.Field[Any, Any]]]:
    return {
        model._meta.label_lower: {
            field.name: field for field in model._meta.get_fields() if field.concrete
        }
        for model in apps.get_app_config(app_label).get_models()
    }


def check_no_personal_data(
    app_label: str, columns: dict[str, dict[str, str]], exceptions: dict[str, dict[str, str]]
) -> None:
    actual = columns_of(app_label)
    # Every column is listed with what it holds, and nothing listed is gone.
    problems = [
        f"{model}.{name}: a new column; say what it holds in COLUMNS (and that it names nobody)"
        for model, fields in actual.items()
        for name in fields
        if name not in columns.get(model, {})
    ] + [
        f"{model}.{name}: listed in COLUMNS but not a column any more"
        for model, fields in columns.items()
        for name in fields
        if name not in actual.get(model, {})
    ]
    # No column looks like a person's attribute or links to a person, unless justified.
    for model, fields in actual.items():
        for name, field in fields.items():
            reason = personal_reason(field)
            if reason and name not in exceptions.get(model, {}):
                problems.append(f"{model}.{name}: {reason}")
    # Exceptions name real columns that still need them.
    for model, justified in exceptions.items():
        for name in justified:
            column = actual.get(model, {}).get(name)
            if column is None or personal_reason(column) is None:
                problems.append(f"{model}.{name}: an exception that is no longer needed")
    assert not problems, "\n".join(problems)


def test_the_observatory_keeps_no_person_level_data() -> None:
    check_no_personal_data("observatory", COLUMNS, LOOKS_PERSONAL_BUT_IS_NOT)


def test_the_check_catches_personal_columns() -> None:
    """The heuristic itself, on columns a careless change could add."""

    def reason(name: str, field: models.Field[Any, Any]) -> str | None:
        field.set_attributes_from_name(name)
        if field.remote_field is not None and isinstance(field.remote_field.model, str):
            field.remote_field.model = apps.get_model(field.remote_field.model)
        return personal_reason(field)

    personal: list[tuple[str, models.Field[Any, Any]]] = [
        ("first_name", models.CharField(max_length=10)),
        ("nom_victime", models.CharField(max_length=10)),
        ("date", models.DateField("date de naissance")),
        ("home_address", models.TextField()),
        ("phone_number", models.CharField(max_length=10)),
        ("e_mail", models.EmailField()),
        ("contact", models.CharField("courriel", max_length=10)),
        ("plate", models.CharField("plaque", max_length=10)),
        ("reported_by", models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)),
        ("seat", models.ForeignKey("councils.CouncilMember", on_delete=models.CASCADE)),
    ]
    for name, field in personal:
        assert reason(name, field), name
    not_personal: list[tuple[str, models.Field[Any, Any]]] = [
        ("count", models.PositiveIntegerField("nombre de faits")),
        ("label", models.CharField("libellé", max_length=10)),
        ("commune", models.ForeignKey("territories.Commune", on_delete=models.CASCADE)),
        ("day", models.DateField("date")),
    ]
    for name, field in not_personal:
        assert reason(name, field) is None, name
