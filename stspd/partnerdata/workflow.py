"""Verbs of the partners' data: each write runs in one transaction and records its event.

An import goes: `stage_upload` (read the file, drop nominative columns, keep the cleaned cells),
`save_columns` and `save_categories` (on the upload and on its source, for next month's file),
`check_upload` (every row error, nothing written), `import_upload` (all rows or none).
"""

import dataclasses
import datetime
import hashlib
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from crimestats.partner_files import (
    ROLES,
    ColumnMapping,
    PartnerFileError,
    Table,
    Territory,
    Validation,
    fold,
    guess_roles,
    read_partner_file,
    validate,
)
from stspd.accounts.models import User
from stspd.audit.events import record
from stspd.councils.models import Council
from stspd.territories.models import Commune, CommuneShape

from .enums import UploadState
from .minimise import keep_mapped, scrub_staged
from .models import LocalIndicator, Record, Source, Upload

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
IGNORE = "ignore"  # a category whose rows are not imported


class UploadRefused(ValueError):
    """The file cannot be taken: the message says why, in French."""


def territory_of(council: Council) -> Territory:
    """The council's communes with their outlines and postal codes (two queries)."""
    communes = list(council.communes().values_list("pk", "code", "name", "postal_codes"))
    shapes = dict(
        CommuneShape.objects.filter(commune_id__in=[c[0] for c in communes]).values_list(
            "commune__code", "geometry"
        )
    )
    postal: dict[str, list[str]] = defaultdict(list)
    for _, code, _, postal_codes in communes:
        for postal_code in filter(None, postal_codes.split(",")):
            postal[postal_code.strip()].append(code)
    return Territory(
        communes={code: name for _, code, name, _ in communes},
        shapes=shapes,
        postal_codes=dict(postal),
    )


def proposed_mapping(source: Source, table: Table) -> dict[str, Any]:
    """The source's saved mapping, kept only for the columns this file has; roles it does not
    give are guessed from the headers' names."""
    columns = {
        role: header
        for role, header in source.mapping.get("columns", {}).items()
        if header in table.headers
    }
    for role, header in guess_roles(table.headers).items():
        if role not in columns and header not in columns.values():
            columns[role] = header
    return {"columns": columns, "categories": dict(source.mapping.get("categories", {}))}


def missing_columns(source: Source, table: Table) -> list[str]:
    """Columns of the saved mapping this file lacks (another layout, or another kind of file)."""
    saved = source.mapping.get("columns", {}).values()
    # Sorted: PostgreSQL's jsonb does not keep the keys in the order they were written.
    return sorted(header for header in saved if header not in table.headers)


@transaction.atomic
def stage_upload(
    source: Source, *, file_name: str, data: bytes, by: User, sheet: str | None = None
) -> Upload:
    """Read a partner's file and keep its cleaned cells for the next steps.

    The same file (same SHA-256) already imported for this source is refused: to replace an
    import, delete it first, which deletes its records.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRefused(
            f"Le fichier dépasse {MAX_UPLOAD_BYTES // (1024 * 1024)} Mo : découpez-le par mois."
        )
    sha256 = hashlib.sha256(data).hexdigest()
    refuse_duplicate(source, Q(sha256=sha256))
    try:
        table = read_partner_file(data, file_name, sheet=sheet)
    except PartnerFileError as exc:
        raise UploadRefused(str(exc)) from exc
    content_sha256 = table.fingerprint()
    refuse_duplicate(source, Q(content_sha256=content_sha256))
    if not table.rows:
        raise UploadRefused("Le fichier n'a aucune ligne de données sous l'en-tête.")
    if not table.headers:
        raise UploadRefused(
            "Aucune colonne n'est conservée : "
            + " ; ".join(d.message for d in table.dropped)
            + ". Il faut au moins une colonne de date et une de catégorie."
        )
    table, removed = scrub_staged(table)
    upload = Upload.objects.create(
        source=source,
        file_name=file_name[:255],
        sha256=sha256,
        content_sha256=content_sha256,
        uploaded_by=by,
        table=table.as_json(),
        mapping=proposed_mapping(source, table),
        rows_total=len(table.rows),
        dropped_columns=[d.message for d in table.dropped],
        mentions_removed=removed,
    )
    record(
        by,
        "created",
        upload,
        council=source.council,
        changes={"lignes lues": ["", str(len(table.rows))]},
    )
    return upload


def refuse_duplicate(source: Source, same: Q) -> None:
    """Refuse a file already imported for this source, naming the earlier upload."""
    previous = source.uploads.filter(same, state=UploadState.IMPORTED).first()
    if previous is not None:
        raise UploadRefused(
            f"Ce fichier a déjà été importé pour cette source le "
            f"{timezone.localtime(previous.imported_at or previous.uploaded_at):%d/%m/%Y} "
            f"(« {previous.file_name} »), éventuellement enregistré autrement (fins de ligne, "
            "encodage) : ses lignes sont les mêmes. Pour le remplacer, supprimez d'abord cet "
            "import."
        )


def mapping_text(mapping: dict[str, Any], council: Council) -> str:
    parts = [f"{ROLES[role]} = {header}" for role, header in mapping.get("columns", {}).items()]
    labels = dict(council.partner_indicators.values_list("pk", "label"))
    for category, target in mapping.get("categories", {}).items():
        parts.append(f"{category} → {labels.get(target, 'ignorée')}")
    return " ; ".join(parts)


def save_mapping(upload: Upload, mapping: dict[str, Any], *, by: User) -> None:
    """Keep the mapping on the upload and on its source (proposed again for the next file)."""
    source = upload.source
    before = mapping_text(source.mapping, source.council)
    upload.mapping = mapping
    upload.save(update_fields=["mapping"])
    saved = dict(source.mapping)
    saved["columns"] = mapping["columns"]
    # Categories of earlier files stay known: next month's file may have them again.
    saved["categories"] = {**saved.get("categories", {}), **mapping.get("categories", {})}
    source.mapping = saved
    source.save(update_fields=["mapping"])
    after = mapping_text(source.mapping, source.council)
    if before != after:
        record(
            by,
            "updated",
            source,
            council=source.council,
            changes={"correspondances": [before, after]},
        )


@transaction.atomic
def save_columns(upload: Upload, columns: dict[str, str], *, by: User) -> None:
    """Keep the mapping, and only the mapped columns of the stored cells: a column that plays
    no role (an observation, a free text) is not kept; the category is scanned for names."""
    save_mapping(upload, {**upload.mapping, "columns": columns}, by=by)
    if upload.table is not None:
        table, removed, dropped = keep_mapped(Table.from_json(upload.table), columns)
        upload.table = table.as_json()
        upload.mentions_removed += removed
        upload.dropped_columns = [
            *upload.dropped_columns,
            *(
                f"colonne « {header} » ignorée : associée à aucun rôle, elle n'est pas conservée"
                for header in dropped
            ),
        ]
        upload.save(update_fields=["table", "mentions_removed", "dropped_columns"])


@transaction.atomic
def save_categories(
    upload: Upload, choices: dict[str, str], *, unit: str, by: User
) -> list[LocalIndicator]:
    """`choices` maps each category to an indicator id, IGNORE, or "new" (create an indicator
    named after the category)."""
    council = upload.source.council
    categories: dict[str, int | None] = {}
    created = []
    for category, choice in choices.items():
        if choice == IGNORE:
            categories[category] = None
        elif choice == "new":
            indicator, was_created = LocalIndicator.objects.get_or_create(
                council=council, label=category[:200], defaults={"unit": unit}
            )
            if was_created:
                created.append(indicator)
                record(by, "created", indicator, council=council)
            categories[category] = indicator.pk
        else:
            categories[category] = int(choice)
    save_mapping(upload, {**upload.mapping, "categories": categories}, by=by)
    return created


def distinct_categories(upload: Upload) -> list[tuple[str, int]]:
    """Each category of the file as first written, with its number of rows."""
    header = upload.mapping.get("columns", {}).get("category")
    if not header or upload.table is None:
        return []
    table = Table.from_json(upload.table)
    if header not in table.headers:
        return []
    counts: dict[str, list[Any]] = {}
    for value in table.column(header):
        if value:
            counts.setdefault(fold(value), [value, 0])[1] += 1
    return [(label, n) for label, n in sorted(counts.values(), key=lambda c: fold(c[0]))]


def category_targets(upload: Upload) -> dict[str, int | None]:
    """The upload's category mapping, without indicators deleted since."""
    council = upload.source.council
    existing = set(council.partner_indicators.values_list("pk", flat=True))
    return {
        category: target
        for category, target in upload.mapping.get("categories", {}).items()
        if target is None or target in existing
    }


def column_mapping(upload: Upload) -> ColumnMapping | None:
    try:
        return ColumnMapping.from_roles(upload.mapping.get("columns", {}))
    except (KeyError, TypeError):
        return None


def check_upload(upload: Upload, *, today: datetime.date | None = None) -> Validation:
    """Every row checked against the mapping; nothing written. Raises PartnerFileError when
    the mapping does not fit the file."""
    mapping = column_mapping(upload)
    if mapping is None or upload.table is None:
        raise PartnerFileError("Associez d'abord les colonnes de date et de catégorie.")
    return validate(
        Table.from_json(upload.table),
        mapping,
        category_targets(upload),
        territory_of(upload.source.council),
        today=today or timezone.localdate(),
    )


class ImportRefused(ValueError):
    def __init__(self, validation: Validation | None, message: str) -> None:
        super().__init__(message)
        self.validation = validation


def import_upload(
    upload: Upload,
    *,
    by: User,
    today: datetime.date | None = None,
    on_checked: Callable[[int], None] | None = None,
) -> Upload:
    """Import every row or none. Facts of the same indicator, day, commune and position are
    added together; the cleaned cells are then deleted. `on_checked` is told the number of rows
    checked, before the writing starts (the job's progress)."""
    try:
        validation = check_upload(upload, today=today)
    except PartnerFileError as exc:
        raise ImportRefused(None, str(exc)) from exc
    if validation.errors:
        upload.errors = [dataclasses.asdict(error) for error in validation.errors]
        upload.save(update_fields=["errors"])
        raise ImportRefused(
            validation,
            f"Import refusé : {len(validation.errors)} erreur(s) à corriger dans le fichier.",
        )
    if on_checked is not None:
        on_checked(upload.rows_total)
    targets = category_targets(upload)
    by_category = {fold(category): target for category, target in targets.items()}
    communes = dict(
        Commune.objects.filter(code__in=territory_of_codes(validation)).values_list("code", "pk")
    )
    totals: dict[tuple[int, datetime.date, int | None, float | None, float | None], int] = (
        defaultdict(int)
    )
    for fact in validation.facts:
        indicator = by_category[fold(fact.category)]
        assert indicator is not None
        commune = communes.get(fact.commune) if fact.commune else None
        totals[(indicator, fact.day, commune, fact.lon, fact.lat)] += fact.count
    source = upload.source
    try:
        with transaction.atomic():
            # Two imports of one upload at once (a task run twice): the second finds it done.
            if Upload.objects.select_for_update().get(pk=upload.pk).is_imported:
                raise ImportRefused(None, "Ce dépôt est déjà importé.")
            Record.objects.bulk_create(
                [
                    Record(
                        upload=upload,
                        source=source,
                        indicator_id=indicator,
                        day=day,
                        commune_id=commune,
                        lon=lon,
                        lat=lat,
                        count=count,
                    )
                    for (indicator, day, commune, lon, lat), count in totals.items()
                ],
                batch_size=2000,
            )
            upload.state = UploadState.IMPORTED
            upload.imported_at = timezone.now()
            upload.rows_imported = len(validation.facts)
            upload.rows_ignored = validation.ignored_rows
            upload.facts_total = validation.total
            upload.errors = []
            upload.table = None
            upload.save()
            record(
                by,
                "imported",
                upload,
                council=source.council,
                changes={
                    "lignes importées": ["", str(upload.rows_imported)],
                    "lignes ignorées": ["", str(upload.rows_ignored)],
                    "faits": ["", str(upload.facts_total)],
                },
            )
    except IntegrityError as exc:
        upload.refresh_from_db()
        same = Q(sha256=upload.sha256)
        if upload.content_sha256:
            same |= Q(content_sha256=upload.content_sha256)
        twin = Upload.objects.filter(same, source=source, state=UploadState.IMPORTED).exclude(
            pk=upload.pk
        )
        if twin.exists():
            raise ImportRefused(None, "Ce fichier a déjà été importé pour cette source.") from exc
        raise ImportRefused(
            None,
            "Import annulé, rien n'a été enregistré : un indicateur ou une commune a changé "
            "pendant l'import. Revoyez l'aperçu puis relancez l'import.",
        ) from exc
    return upload


def territory_of_codes(validation: Validation) -> set[str]:
    return {fact.commune for fact in validation.facts if fact.commune}
