"""Depositing a file, mapping its columns and categories, the preview and the import."""

import io

import openpyxl
import pytest

from stspd.audit.models import Event
from stspd.jobs.models import Job
from stspd.partnerdata.models import LocalIndicator, Record, Source, Upload

from .helpers import COLUMNS, GOOD_CSV, add_shapes, csv_file, make_source, staged


def counts() -> tuple[int, int, int, int]:
    return (
        Upload.objects.filter(state="imported").count(),
        Record.objects.count(),
        LocalIndicator.objects.count(),
        Source.objects.count(),
    )


def deposit(client, source, data: bytes, name: str = "mars.csv"):  # type: ignore[no-untyped-def]
    return client.post(
        f"/donnees-partenaires/sources/{source.pk}/deposer/", {"file": csv_file(data, name)}
    )


def map_columns(client, upload, roles: dict[str, str]):  # type: ignore[no-untyped-def]
    headers = upload.table["headers"]
    data = {f"col_{i}": "" for i in range(len(headers))}
    for role, header in roles.items():
        data[f"col_{headers.index(header)}"] = role
    return client.post(f"/donnees-partenaires/depots/{upload.pk}/colonnes/", data)


def test_the_whole_journey_from_file_to_records(world, login) -> None:  # type: ignore[no-untyped-def]
    source = make_source(world)
    client = login(world.coordinator)
    response = deposit(client, source, GOOD_CSV)
    upload = Upload.objects.get()
    assert response["Location"] == f"/donnees-partenaires/depots/{upload.pk}/colonnes/"

    page = client.get(response["Location"]).content.decode()
    assert "Colonne « Nom du mis en cause » ignorée : les données nominatives ne sont pas" in page
    assert "DUPONT" not in str(upload.table)

    response = map_columns(client, upload, COLUMNS)
    assert response["Location"] == f"/donnees-partenaires/depots/{upload.pk}/categories/"
    page = client.get(response["Location"]).content.decode()
    assert "Tapage (2 lignes)" in page and "Dépôt sauvage (1 ligne)" in page

    response = client.post(
        f"/donnees-partenaires/depots/{upload.pk}/categories/", {"cat_0": "new", "cat_1": "new"}
    )
    assert response["Location"] == f"/donnees-partenaires/depots/{upload.pk}/apercu/"
    page = client.get(response["Location"]).content.decode()
    assert "Aucune erreur" in page
    assert "Importer 3 lignes" in page
    assert "Colonne « Nom du mis en cause » ignorée" in page

    # The import is a background task: the person follows it on the job's page.
    response = client.post(f"/donnees-partenaires/depots/{upload.pk}/apercu/")
    job = Job.objects.get()
    assert response["Location"] == f"/travaux/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Import terminé : 3 lignes, 6 faits." in page
    assert f'href="/donnees-partenaires/depots/{upload.pk}/"' in page
    assert "jobs/job.js" not in page  # finished: nothing more to follow
    assert (job.state, job.done, job.total, job.started_by) == ("done", 3, 3, world.coordinator)
    upload.refresh_from_db()
    assert upload.state == "imported" and upload.table is None
    assert (upload.rows_imported, upload.facts_total) == (3, 6)
    totals = {(r.indicator.label, r.commune.code): r.count for r in Record.objects.all()}
    assert totals == {("Tapage", "76540"): 2, ("Dépôt sauvage", "76575"): 1, ("Tapage", "76575"): 3}
    event = Event.objects.get(verb="imported")
    assert event.changes["faits"] == ["", "6"]
    report = client.get(f"/donnees-partenaires/depots/{upload.pk}/").content.decode()
    assert "Saint-Étienne-du-Rouvray" in report
    # Imported: the mapping steps now lead to the report.
    assert client.get(f"/donnees-partenaires/depots/{upload.pk}/colonnes/").status_code == 302


def test_the_saved_mapping_is_proposed_for_next_months_file(world, login) -> None:  # type: ignore[no-untyped-def]
    first = staged(world)
    client = login(world.coordinator)
    client.post(f"/donnees-partenaires/depots/{first.pk}/apercu/")
    april = GOOD_CSV.replace(b"/03/2026", b"/04/2026")
    deposit(client, first.source, april, "avril.csv")
    upload = Upload.objects.latest("pk")
    assert upload.mapping["columns"] == COLUMNS
    form = client.get(f"/donnees-partenaires/depots/{upload.pk}/colonnes/").context["form"]
    assert [form[f"col_{i}"].initial for i in range(4)] == ["date", "category", "commune", "count"]
    categories = client.get(f"/donnees-partenaires/depots/{upload.pk}/categories/")
    tapage = LocalIndicator.objects.get(label="Tapage").pk
    assert categories.context["form"]["cat_1"].initial == str(tapage)
    # Straight to the preview: nothing to map again.
    page = client.get(f"/donnees-partenaires/depots/{upload.pk}/apercu/").content.decode()
    assert "Aucune erreur" in page


def test_the_same_file_cannot_be_imported_twice(world, login) -> None:  # type: ignore[no-untyped-def]
    upload = staged(world)
    client = login(world.coordinator)
    client.post(f"/donnees-partenaires/depots/{upload.pk}/apercu/")
    before = counts(), Upload.objects.count()
    response = deposit(client, upload.source, GOOD_CSV, "mars-bis.csv")
    assert "Ce fichier a déjà été importé pour cette source" in response.content.decode()
    assert (counts(), Upload.objects.count()) == before


def test_deleting_an_import_deletes_its_records_and_allows_the_file_again(world, login) -> None:  # type: ignore[no-untyped-def]
    upload = staged(world)
    client = login(world.coordinator)
    client.post(f"/donnees-partenaires/depots/{upload.pk}/apercu/")
    assert Record.objects.exists()
    page = client.get(f"/donnees-partenaires/depots/{upload.pk}/supprimer/").content.decode()
    assert "Faits agrégés : 3" in page
    client.post(f"/donnees-partenaires/depots/{upload.pk}/supprimer/")
    assert not Record.objects.exists() and not Upload.objects.exists()
    assert Event.objects.filter(verb="deleted", object_type="partnerdata.upload").exists()
    deposit(client, upload.source, GOOD_CSV)
    assert Upload.objects.count() == 1


BAD_FILES = [
    pytest.param(
        b"Date|Nature|Commune\n01/03/2026|Tapage|Rouen\n",
        "mars.csv",
        "ligne 1",
        id="wrong separator",
    ),
    pytest.param(b"%PDF-1.4 binary", "mars.csv", "pas un CSV", id="a pdf named csv"),
    pytest.param(b"whatever", "mars.ods", "seuls les fichiers .csv et .xlsx", id="ods"),
    pytest.param(b"Date;Nature\n", "mars.csv", "aucune ligne de données", id="header only"),
]


@pytest.mark.parametrize(("data", "name", "message"), BAD_FILES)
def test_unreadable_files_are_refused_and_nothing_is_kept(
    world, login, data, name, message
) -> None:  # type: ignore[no-untyped-def]
    source = make_source(world)
    before = counts(), Upload.objects.count(), Event.objects.count()
    response = deposit(login(world.coordinator), source, data, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (counts(), Upload.objects.count(), Event.objects.count()) == before


def xlsx(rows, merge: str | None = None) -> bytes:  # type: ignore[no-untyped-def]
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    if merge:
        workbook.active.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_merged_header_cells_is_refused_naming_them(world, login) -> None:  # type: ignore[no-untyped-def]
    source = make_source(world)
    data = xlsx([["Faits", None, "Commune"], ["01/03/2026", "Tapage", "Rouen"]], merge="A1:B1")
    before = counts(), Upload.objects.count()
    response = deposit(login(world.coordinator), source, data, "mars.xlsx")
    assert "cellules fusionnées (A1:B1)" in response.content.decode()
    assert (counts(), Upload.objects.count()) == before


def test_an_xlsx_file_goes_through(world, login) -> None:  # type: ignore[no-untyped-def]
    import datetime

    source = make_source(world)
    client = login(world.coordinator)
    data = xlsx([["Date", "Nature", "Commune"], [datetime.date(2026, 3, 1), "Tapage", "Rouen"]])
    deposit(client, source, data, "mars.xlsx")
    upload = Upload.objects.get()
    assert upload.table["rows"] == [[2, "2026-03-01", "Tapage", "Rouen"]]


def test_preview_lists_every_row_error_and_import_changes_nothing(world, login) -> None:  # type: ignore[no-untyped-def]
    data = (
        "Date;Nature;Commune;Nombre\n"
        "31/02/2026;Tapage;Rouen;1\n"
        "01/03/2026;Rodéo;Rouen;1\n"
        "01/03/2026;Tapage;Le Havre;1\n"
        "01/03/2026;Tapage;Rouen;-1\n"
        "01/03/2026;Tapage;Rouen;1\n"
    ).encode()
    upload = staged(world, data)
    client = login(world.coordinator)
    page = client.get(f"/donnees-partenaires/depots/{upload.pk}/apercu/").content.decode()
    assert "4 erreurs à corriger" in page
    for fragment in [
        "<td>2</td><td>Date</td><td>« 31/02/2026 »</td>",
        "<td>3</td><td>Nature</td><td>« Rodéo »</td>",
        "<td>4</td><td>Commune</td><td>« Le Havre »</td>",
        "<td>5</td><td>Nombre</td><td>« -1 »</td>",
    ]:
        assert fragment in page
    assert "disabled" in page
    before = counts(), Event.objects.filter(verb="imported").count()
    response = client.post(f"/donnees-partenaires/depots/{upload.pk}/apercu/", follow=True)
    page = response.content.decode()
    # On the job's page: the French refusal and every row at fault, by line and column.
    assert response.redirect_chain == [(f"/travaux/{Job.objects.get().pk}/", 302)]
    assert (
        "Import refusé : 4 erreur(s) à corriger dans le fichier. Rien n&#x27;a été importé." in page
    )
    for fragment in [
        "<td>2</td><td>Date</td><td>« 31/02/2026 »</td>",
        "<td>3</td><td>Nature</td><td>« Rodéo »</td>",
        "<td>4</td><td>Commune</td><td>« Le Havre »</td>",
        "<td>5</td><td>Nombre</td><td>« -1 »</td>",
    ]:
        assert fragment in page
    assert f'href="/donnees-partenaires/depots/{upload.pk}/apercu/"' in page
    assert Job.objects.get().state == "failed"
    assert (counts(), Event.objects.filter(verb="imported").count()) == before
    upload.refresh_from_db()
    assert upload.state == "staged" and len(upload.errors) == 4


def test_coordinates_outside_the_territory_are_refused(world, login) -> None:  # type: ignore[no-untyped-def]
    add_shapes()
    data = (
        b"Date;Nature;Longitude;Latitude\n"
        b"01/03/2026;Tapage;1,10;49,44\n"
        b"01/03/2026;Tapage;0,11;49,49\n"
    )
    source = make_source(world)
    client = login(world.coordinator)
    deposit(client, source, data)
    upload = Upload.objects.get()
    map_columns(
        client,
        upload,
        {"date": "Date", "category": "Nature", "lon": "Longitude", "lat": "Latitude"},
    )
    client.post(f"/donnees-partenaires/depots/{upload.pk}/categories/", {"cat_0": "new"})
    page = client.get(f"/donnees-partenaires/depots/{upload.pk}/apercu/").content.decode()
    assert "<td>3</td><td>Longitude</td><td>« 0.11 ; 49.49 »</td>" in page
    assert "position hors du territoire" in page
    before = counts()
    client.post(f"/donnees-partenaires/depots/{upload.pk}/apercu/")
    assert counts() == before


def test_unknown_outline_is_said_not_invented(world, login) -> None:  # type: ignore[no-untyped-def]
    data = b"Date;Nature;Commune;Longitude;Latitude\n01/03/2026;Tapage;Rouen;1,10;49,44\n"
    source = make_source(world)
    client = login(world.coordinator)
    deposit(client, source, data)
    upload = Upload.objects.get()
    map_columns(
        client,
        upload,
        {
            "date": "Date",
            "category": "Nature",
            "commune": "Commune",
            "lon": "Longitude",
            "lat": "Latitude",
        },
    )
    client.post(f"/donnees-partenaires/depots/{upload.pk}/categories/", {"cat_0": "new"})
    page = client.get(f"/donnees-partenaires/depots/{upload.pk}/apercu/").content.decode()
    assert "contour de la commune inconnu" in page.lower()
    assert "position non vérifiée" in page
    client.post(f"/donnees-partenaires/depots/{upload.pk}/apercu/")
    assert Record.objects.get().lon == 1.1


def test_column_mapping_needs_date_and_category_once(world, login) -> None:  # type: ignore[no-untyped-def]
    source = make_source(world)
    client = login(world.coordinator)
    deposit(client, source, GOOD_CSV)
    upload = Upload.objects.get()
    guessed = dict(upload.mapping["columns"])
    assert guessed == COLUMNS  # suggested from the headers' names
    response = map_columns(client, upload, {"date": "Date"})
    assert "Associez une colonne à : Catégorie." in response.content.decode()
    response = client.post(
        f"/donnees-partenaires/depots/{upload.pk}/colonnes/",
        {"col_0": "date", "col_1": "date", "col_2": "category", "col_3": ""},
    )
    assert "« Date » est associé à deux colonnes" in response.content.decode()
    upload.refresh_from_db()
    assert upload.mapping["columns"] == guessed


def test_mapping_saved_writes_an_event_on_the_source(world, login) -> None:  # type: ignore[no-untyped-def]
    source = make_source(world)
    client = login(world.coordinator)
    deposit(client, source, GOOD_CSV)
    map_columns(client, Upload.objects.get(), COLUMNS)
    event = Event.objects.get(verb="updated", object_type="partnerdata.source")
    assert "Date = Date" in event.changes["correspondances"][1]
    source.refresh_from_db()
    assert source.mapping["columns"] == COLUMNS


def test_ignored_categories_are_not_imported(world, login) -> None:  # type: ignore[no-untyped-def]
    source = make_source(world)
    client = login(world.coordinator)
    deposit(client, source, GOOD_CSV)
    upload = Upload.objects.get()
    map_columns(client, upload, COLUMNS)
    client.post(
        f"/donnees-partenaires/depots/{upload.pk}/categories/", {"cat_0": "ignore", "cat_1": "new"}
    )
    client.post(f"/donnees-partenaires/depots/{upload.pk}/apercu/")
    upload.refresh_from_db()
    assert (upload.rows_imported, upload.rows_ignored, upload.facts_total) == (2, 1, 5)


@pytest.mark.parametrize("who", ["reader", "partner"])
def test_readers_and_partners_cannot_deposit_or_import(world, login, who) -> None:  # type: ignore[no-untyped-def]
    upload = staged(world)
    client = login(getattr(world, who))
    before = counts(), Upload.objects.count()
    assert deposit(client, upload.source, GOOD_CSV, "autre.csv").status_code == 403
    assert client.post(f"/donnees-partenaires/depots/{upload.pk}/apercu/").status_code == 403
    assert client.get(f"/donnees-partenaires/depots/{upload.pk}/").status_code == 200
    assert (counts(), Upload.objects.count()) == before


def test_a_file_of_another_kind_is_flagged_against_the_saved_mapping(world, login) -> None:  # type: ignore[no-untyped-def]
    first = staged(world)
    client = login(world.coordinator)
    client.post(f"/donnees-partenaires/depots/{first.pk}/apercu/")
    landlord = "Résidence;Type d'incident;Mois\nLes Cèdres;Dégradation;03/2026\n".encode()
    deposit(client, first.source, landlord, "bailleur.csv")
    upload = Upload.objects.latest("pk")
    # Only what the headers' names suggest: no date column, so no preview yet.
    assert upload.mapping["columns"] == {"category": "Type d'incident"}
    page = client.get(f"/donnees-partenaires/depots/{upload.pk}/colonnes/").content.decode()
    assert (
        "n'a pas les colonnes du fichier précédent de cette source : Commune, Date, Nature, Nombre"
        in page
    )
    # The preview cannot be reached before the columns are mapped.
    response = client.get(f"/donnees-partenaires/depots/{upload.pk}/apercu/")
    assert response["Location"] == f"/donnees-partenaires/depots/{upload.pk}/colonnes/"


def test_a_large_file_never_goes_to_a_temporary_file_on_disk(world, login, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the partner's file was spooled to disk")

    monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", refuse)
    row = "01/03/2026;Tapage;Rouen;1;" + "x" * 45 + "\n"
    data = ("Date;Nature;Commune;Nombre;Code\n" + row * 48_000).encode()
    assert len(data) > 3 * 1024 * 1024  # over Django's 2.5 MB in-memory threshold
    response = deposit(login(world.coordinator), make_source(world), data, "gros.csv")
    assert response.status_code == 302
    assert Upload.objects.get().rows_total == 48_000


def test_a_file_over_the_limit_is_refused_and_nothing_kept(world, login, settings) -> None:  # type: ignore[no-untyped-def]
    from stspd.partnerdata import uploads

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None
    source = make_source(world)
    data = b"Date;Nature\n" + b"01/03/2026;Tapage\n" * (
        (uploads.MAX_UPLOAD_BYTES + uploads.MULTIPART_MARGIN) // 18 + 10
    )
    response = deposit(login(world.coordinator), source, data, "enorme.csv")
    assert response.status_code == 200
    assert "Le fichier dépasse 10 Mo" in response.content.decode()
    assert not Upload.objects.exists()


def test_a_database_conflict_that_is_not_a_duplicate_says_so(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from django.db import IntegrityError

    from stspd.partnerdata import workflow

    upload = staged(world)

    def conflict(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise IntegrityError("FOREIGN KEY constraint failed")

    monkeypatch.setattr(Record.objects, "bulk_create", conflict)
    with pytest.raises(workflow.ImportRefused, match="un indicateur ou une commune a changé"):
        workflow.import_upload(upload, by=world.coordinator)
    upload.refresh_from_db()
    assert not upload.is_imported and Record.objects.count() == 0


@pytest.mark.parametrize("raw", ["1e300", "99999999999"])
def test_an_implausible_count_is_refused_at_the_preview_and_nothing_imported(  # type: ignore[no-untyped-def]
    world, login, raw: str
) -> None:
    data = f"Date;Nature;Commune;Nombre\n01/03/2026;Tapage;Rouen;1\n02/03/2026;Tapage;Rouen;{raw}\n"
    upload = staged(world, data.encode())
    client = login(world.coordinator)
    page = client.get(f"/donnees-partenaires/depots/{upload.pk}/apercu/").content.decode()
    assert f"<td>3</td><td>Nombre</td><td>« {raw} »</td>" in page
    assert "au plus 100\u202f000 faits par ligne" in page
    before = counts()
    response = client.post(f"/donnees-partenaires/depots/{upload.pk}/apercu/", follow=True)
    page = response.content.decode()
    assert "Import refusé : 1 erreur(s)" in page
    assert f"<td>3</td><td>Nombre</td><td>« {raw} »</td>" in page
    assert counts() == before


@pytest.mark.parametrize(
    "resaved",
    [
        pytest.param(GOOD_CSV.replace(b"\n", b"\r\n"), id="CRLF"),
        pytest.param(GOOD_CSV.decode().encode("cp1252"), id="Windows-1252"),
        pytest.param(b"\xef\xbb\xbf" + GOOD_CSV + b"\n\n", id="BOM and blank lines"),
    ],
)
def test_the_same_file_re_saved_otherwise_is_refused_naming_the_earlier_upload(  # type: ignore[no-untyped-def]
    world, login, resaved: bytes
) -> None:
    """Duplicates are found on the parsed rows, not the bytes: the facts would count twice."""
    upload = staged(world)
    client = login(world.coordinator)
    client.post(f"/donnees-partenaires/depots/{upload.pk}/apercu/")
    before = counts(), Upload.objects.count()
    response = deposit(client, upload.source, resaved, "mars-windows.csv")
    page = response.content.decode()
    assert "Ce fichier a déjà été importé pour cette source" in page
    assert "« mars.csv »" in page
    assert (counts(), Upload.objects.count()) == before


def test_a_file_with_other_rows_is_not_a_duplicate(world, login) -> None:  # type: ignore[no-untyped-def]
    upload = staged(world)
    client = login(world.coordinator)
    client.post(f"/donnees-partenaires/depots/{upload.pk}/apercu/")
    deposit(client, upload.source, GOOD_CSV.replace(b"Rouen;2", b"Rouen;4"), "avril.csv")
    assert Upload.objects.filter(file_name="avril.csv", state="staged").exists()
