"""Back up and restore everything: every table (Django's dumpdata, JSON) and the uploaded
documents under MEDIA_ROOT, in one tar.gz with a manifest.

The archive holds:
- `manifest.json`: format version, date, the database engine it came from, row counts per model
  and the list of media files with their SHA-256;
- `data.json`: the rows, foreign keys to content types and permissions written by natural key
  (those tables are rebuilt by `migrate`, with other ids); every other row keeps its id;
- `media/...`: the files.

Restore goes into an empty database (migrated, with nothing but what `migrate` creates, which the
archive holds too), in one transaction; the media files are copied only once the rows are in.
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

FORMAT_VERSION = 1
# Rebuilt by `migrate`: not saved, referred to by natural key; sessions are not worth keeping.
SKIPPED = {
    "contenttypes.contenttype",
    "auth.permission",
    "sessions.session",
    "admin.logentry",
    "core.dataversion",  # the cache's key (stspd/core/cache.py): a restore gives a new one
}
# Models that moved to another app since an archive was made: the table is the same, only the
# label changed, so an older archive's rows load under the new label (and count under it).
RENAMED_MODELS = {"indicators.measurement": "steering.measurement"}


class BackupError(Exception):
    """A backup cannot be written or restored; the message says why."""


def saved_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.label_lower not in SKIPPED and model._meta.managed and not model._meta.proxy
    ]


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (it cuts them to milliseconds)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def all_rows() -> Iterator[models.Model]:
    """Every saved row, models ordered so that natural keys are loaded before their users
    (what `dumpdata --natural-foreign` does), rows by id."""
    chosen = set(saved_models())
    by_app: dict[Any, list[type[models.Model]]] = {}
    for model in chosen:
        by_app.setdefault(model._meta.app_config, []).append(model)
    for model in serializers.sort_dependencies(by_app.items(), allow_cycles=True):
        if model in chosen:
            yield from model._base_manager.order_by(model._meta.pk.name).iterator(chunk_size=2000)


def row_counts() -> dict[str, int]:
    return {model._meta.label_lower: model._default_manager.count() for model in saved_models()}


def media_files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                yield path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.datetime.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def backup(target: Path) -> dict[str, Any]:
    """Write the archive to `target` (through a temporary file, renamed at the end); return
    the manifest."""
    media_root = Path(settings.MEDIA_ROOT)
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        data_path = Path(work) / "data.json"
        # One repeatable-read snapshot on PostgreSQL: rows written meanwhile are all in or out.
        outer = connection.in_atomic_block
        with transaction.atomic():
            if connection.vendor == "postgresql" and not outer:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            counts = row_counts()
            with data_path.open("w", encoding="utf-8") as out:
                serializers.serialize(
                    "json",
                    all_rows(),
                    stream=out,
                    cls=ExactJSONEncoder,
                    use_natural_foreign_keys=True,
                )
        files = {
            path.relative_to(media_root).as_posix(): sha256_of(path)
            for path in media_files(media_root)
        }
        manifest = {
            "format": FORMAT_VERSION,
            "application": "stspd",
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "database_engine": connection.vendor,
            "counts": counts,
            "media": files,
        }
        partial = Path(work) / "backup.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=1).encode("utf-8"))
            archive.add(data_path, "data.json")
            for relative in files:
                archive.add(media_root / relative, f"media/{relative}")
        os.replace(partial, target)
    return manifest


def database_is_empty() -> bool:
    return not any(model._default_manager.exists() for model in saved_models())


def rows_not_in(archive: Path) -> list[str]:
    """The tables holding a row that the archive does not hold identically.

    A freshly migrated database is not empty (data migrations add the common indicators): those
    rows are in every archive too, so restoring over them loses nothing.
    """
    stored: dict[tuple[str, str], Any] = {
        (row["model"], str(row["pk"])): row["fields"]
        for row in json.loads(archive.read_text("utf-8"))
    }
    tables = []
    for model in saved_models():
        rows = model._default_manager.order_by("pk")
        if not rows.exists():
            continue
        current = json.loads(
            serializers.serialize(
                "json", rows.iterator(), cls=ExactJSONEncoder, use_natural_foreign_keys=True
            )
        )
        if any(stored.get((row["model"], str(row["pk"]))) != row["fields"] for row in current):
            tables.append(str(model._meta.verbose_name_plural))
    return tables


def _flush_in_transaction() -> None:
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    skipped = {apps.get_model(label)._meta.db_table for label in SKIPPED}
    sql = connection.ops.sql_flush(
        no_style(),
        [table for table in tables if table not in skipped],
        allow_cascade=True,
    )
    if connection.vendor == "postgresql":
        # TRUNCATE refuses tables with deferred foreign-key checks still pending.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    connection.ops.execute_sql_flush(sql)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys' default


def _rename_moved_models(data: Path) -> None:
    rows = json.loads(data.read_text("utf-8"))
    if any(row["model"] in RENAMED_MODELS for row in rows):
        for row in rows:
            row["model"] = RENAMED_MODELS.get(row["model"], row["model"])
        data.write_text(json.dumps(rows, ensure_ascii=False), "utf-8")


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = archive.getmembers()
    for member in members:
        path = Path(member.name)
        if path.is_absolute() or ".." in path.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"L'archive contient un chemin refusé : {member.name}")
    return members


@dataclass
class Restored:
    counts: dict[str, int]
    media: int


def restore(source: Path, *, force: bool = False) -> Restored:
    """Load the archive into this database and MEDIA_ROOT. Refused if the database holds data,
    unless `force` (the data is then replaced, in the same transaction)."""
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as work:
        try:
            with tarfile.open(source, "r:gz") as archive:
                archive.extractall(work, members=_safe_members(archive), filter="data")
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise BackupError(f"Archive illisible : {exc}") from exc
        try:
            manifest = json.loads((Path(work) / "manifest.json").read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise BackupError(
                "L'archive n'a pas de manifeste : ce n'est pas une sauvegarde."
            ) from exc
        if manifest.get("application") != "stspd" or manifest.get("format") != FORMAT_VERSION:
            raise BackupError(
                f"Sauvegarde d'un format inconnu ({manifest.get('format')!r}) : "
                f"ce programme lit le format {FORMAT_VERSION}."
            )
        for relative, digest in manifest["media"].items():
            path = Path(work) / "media" / relative
            if not path.is_file() or sha256_of(path) != digest:
                raise BackupError(f"Document manquant ou abîmé dans l'archive : {relative}")
        with transaction.atomic():
            if force:
                _flush_in_transaction()
            elif not database_is_empty() and (tables := rows_not_in(Path(work) / "data.json")):
                raise BackupError(
                    "La base de données n'est pas vide (" + ", ".join(tables[:5]) + ") : la "
                    "restauration remplacerait ses données. Restaurez dans une base vide, ou "
                    "ajoutez --force."
                )
            _rename_moved_models(Path(work) / "data.json")
            call_command("loaddata", str(Path(work) / "data.json"), verbosity=0)
            counts = row_counts()
            expected = {
                RENAMED_MODELS.get(label, label): n
                for label, n in manifest["counts"].items()
                if RENAMED_MODELS.get(label, label) in counts
            }
            if {label: counts[label] for label in expected} != expected:
                raise BackupError("Les lignes restaurées ne correspondent pas au manifeste.")
        # The rows are in: now the documents, beside the old ones, then swapped in.
        extracted = Path(work) / "media"
        if force and media_root.exists():
            # Its content, not the folder itself: it may be a mounted volume.
            for child in media_root.iterdir():
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child)
                else:
                    child.unlink()
        media_root.mkdir(parents=True, exist_ok=True)
        for relative in manifest["media"]:
            destination = media_root / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(extracted / relative, destination)
        return Restored(counts=counts, media=len(manifest["media"]))
