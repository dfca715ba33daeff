"""`stspd backup` and `stspd restore`: a round trip loses nothing, rows or documents."""

import datetime
import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import models

from stspd.accounts.models import User
from stspd.audit.events import record
from stspd.core.backup import (
    BackupError,
    _flush_in_transaction,
    backup,
    database_is_empty,
    restore,
    saved_models,
)
from stspd.indicators.models import IndicatorDefinition
from stspd.strategy.models import Deliberation


def table_hash(model: type[models.Model]) -> str:
    """Every row of the table, every column, in id order: one SHA-256."""
    digest = hashlib.sha256()
    fields = [field.attname for field in model._meta.concrete_fields]
    for row in model._default_manager.order_by("pk").values_list(*fields):
        values = [bytes(v) if isinstance(v, memoryview) else v for v in row]
        digest.update(json.dumps(values, sort_keys=True, default=repr).encode())
    return digest.hexdigest()


def snapshot() -> dict[str, tuple[int, str]]:
    return {
        model._meta.label_lower: (model._default_manager.count(), table_hash(model))
        for model in saved_models()
    }


def media_snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def filled(world, media):  # type: ignore[no-untyped-def]
    """The test world, a deliberation's PDF and a file in a nested folder, a few events."""
    deliberation = Deliberation(
        strategy=world.strategy,
        version_number=1,
        assembly="Conseil métropolitain",
        held_on=datetime.date(2026, 4, 2),
        number="C2026-0042",
        votes_for=40,
        votes_against=2,
        abstentions=1,
    )
    deliberation.document.save("délibération.pdf", ContentFile(b"%PDF-1.7\n" + bytes(range(256))))
    (media / "evidence" / "2026").mkdir(parents=True)
    (media / "evidence" / "2026" / "mars.csv").write_text("date;n\n2026-03-01;4\n")
    record(
        world.coordinator,
        "updated",
        world.council,
        council=world.council,
        changes={"nom": ["a", "é"]},
    )
    world.coordinator.set_password("Un-mot-de-passe-2026")
    world.coordinator.save()
    yield world
    ContentType.objects.clear_cache()


def test_a_round_trip_loses_nothing(filled, media, tmp_path) -> None:  # type: ignore[no-untyped-def]
    before, files = snapshot(), media_snapshot(media)
    assert len([label for label, (count, _) in before.items() if count]) > 25
    manifest = backup(tmp_path / "sauvegarde.tar.gz")
    assert manifest["counts"] == {label: count for label, (count, _) in before.items()}
    assert set(manifest["media"]) == set(files)

    _flush_in_transaction()
    for path in media.rglob("*"):
        if path.is_file():
            path.unlink()
    assert database_is_empty()

    restored = restore(tmp_path / "sauvegarde.tar.gz")
    assert restored.media == len(files)
    assert snapshot() == before
    assert media_snapshot(media) == files
    assert User.objects.get(email="coordination@example.org").check_password("Un-mot-de-passe-2026")
    with Deliberation.objects.get().document.open("rb") as document:
        assert document.read().startswith(b"%PDF-1.7")


def test_the_archive_holds_a_manifest_the_rows_and_the_documents(filled, tmp_path) -> None:  # type: ignore[no-untyped-def]
    call_command("backup", str(tmp_path / "s.tar.gz"), stdout=io.StringIO())
    with tarfile.open(tmp_path / "s.tar.gz") as archive:
        names = archive.getnames()
        manifest = json.load(archive.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert {"manifest.json", "data.json", "media/evidence/2026/mars.csv"} <= set(names)
    assert manifest["format"] == 1 and manifest["application"] == "stspd"
    assert manifest["counts"]["councils.council"] == 2
    assert datetime.datetime.fromisoformat(manifest["created_at"])


def test_restore_refuses_a_database_that_holds_data(filled, tmp_path) -> None:  # type: ignore[no-untyped-def]
    backup(tmp_path / "s.tar.gz")
    filled.council.name = "Écrit après la sauvegarde"
    filled.council.save()
    with pytest.raises(CommandError, match=r"n'est pas vide \(conseils\)"):
        call_command("restore", str(tmp_path / "s.tar.gz"))
    filled.council.refresh_from_db()
    assert filled.council.name == "Écrit après la sauvegarde"


def test_a_freshly_migrated_database_counts_as_empty(filled, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Data migrations put the common indicators in every new database: the archive holds the
    same rows, so restoring over them loses nothing."""
    before = snapshot()
    backup(tmp_path / "s.tar.gz")
    common = list(IndicatorDefinition.objects.filter(council=None).values())
    _flush_in_transaction()
    IndicatorDefinition.objects.bulk_create(IndicatorDefinition(**row) for row in common)
    assert common and not database_is_empty()
    restore(tmp_path / "s.tar.gz")
    assert snapshot() == before


def test_restore_with_force_replaces_the_data(filled, media, tmp_path) -> None:  # type: ignore[no-untyped-def]
    before = snapshot()
    backup(tmp_path / "s.tar.gz")
    filled.council.name = "Changé après la sauvegarde"
    filled.council.save()
    (media / "en-trop.txt").write_text("x")
    call_command("restore", str(tmp_path / "s.tar.gz"), force=True, stdout=io.StringIO())
    assert snapshot() == before
    assert not (media / "en-trop.txt").exists()


def test_a_broken_archive_changes_nothing(filled, media, tmp_path) -> None:  # type: ignore[no-untyped-def]
    backup(tmp_path / "s.tar.gz")
    with tarfile.open(tmp_path / "s.tar.gz") as archive:
        manifest = json.load(archive.extractfile("manifest.json"))  # type: ignore[arg-type]
        data = archive.extractfile("data.json").read()  # type: ignore[union-attr]
    rows = json.loads(data)
    rows.append({"model": "councils.council", "pk": 999, "fields": {"name": "incomplet"}})
    with tarfile.open(tmp_path / "abimee.tar.gz", "w:gz") as archive:
        for name, content in [
            ("manifest.json", json.dumps(manifest).encode()),
            ("data.json", json.dumps(rows).encode()),
        ]:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    before = snapshot()
    with pytest.raises(BackupError, match="Document manquant"):
        restore(tmp_path / "abimee.tar.gz", force=True)
    assert snapshot() == before


def test_a_file_that_is_no_backup_is_refused(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "x.tar.gz").write_bytes(b"not a tar")
    with pytest.raises(BackupError, match="Archive illisible"):
        restore(tmp_path / "x.tar.gz")


def test_an_archive_made_before_a_model_moved_app_restores_its_rows(
    filled, media, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """Reported values were `indicators.measurement` before the steering room existed."""
    from stspd.steering.models import Measurement
    from stspd.steering.tests.reporting_helpers import in_force, measure, quarter

    world = in_force(filled)
    measure(world.use, quarter(world, 1), 7)
    before = snapshot()
    backup(tmp_path / "new.tar.gz")
    with tarfile.open(tmp_path / "new.tar.gz") as archive:
        rows = json.load(archive.extractfile("data.json"))  # type: ignore[arg-type]
        manifest = json.load(archive.extractfile("manifest.json"))  # type: ignore[arg-type]
        members = {m.name: archive.extractfile(m).read() for m in archive if m.isfile()}  # type: ignore[union-attr]
    for row in rows:
        if row["model"] == "steering.measurement":
            row["model"] = "indicators.measurement"
    manifest["counts"]["indicators.measurement"] = manifest["counts"].pop("steering.measurement")
    members["data.json"] = json.dumps(rows).encode()
    members["manifest.json"] = json.dumps(manifest).encode()
    with tarfile.open(tmp_path / "old.tar.gz", "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))

    _flush_in_transaction()
    restore(tmp_path / "old.tar.gz")
    assert snapshot() == before
    assert Measurement.objects.get().value == 7
