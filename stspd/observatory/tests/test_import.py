import gzip
import io
from pathlib import Path

import polars as pl
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connections, transaction

from stspd import cli
from stspd.audit.models import Event
from stspd.demo.observatory import COMMUNES_FILE, DEPARTEMENTS_FILE, load_demo_statistics
from stspd.observatory import importer
from stspd.observatory.blocks import BlockError
from stspd.observatory.importer import import_ssmsi, stored_values
from stspd.observatory.models import Edition, SeriesBlock, State
from stspd.territories.models import Commune, Departement, Region

HEADER = (
    "CODGEO_2025;annee;indicateur;unite_de_compte;nombre;taux_pour_mille;est_diffuse;insee_pop;"
    "insee_pop_millesime;insee_log;insee_log_millesime;complement_info_nombre;complement_info_taux"
)
UNITS = {
    "Violences sexuelles": "Victime",
    "Cambriolages de logement": "Infraction",
    "Vols de véhicule": "Véhicule",
}
LEFT_OUT = "76217"  # Dieppe: kept out of the reference to be reported as unknown


def row(code: str, year: int, label: str, count: int | None, rate: str = "NA") -> str:
    number, flag = ("NA", "ndiff") if count is None else (str(count), "diff")
    return (
        f'{code};{year};{label};{UNITS[label]};{number};{rate};{flag};1200;2021;500;2021;"1,2";NA'
    )


def write(path: Path, lines: list[str], *, gz: bool = False) -> Path:
    text = "\n".join([HEADER, *lines]) + "\n"
    if gz:
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def add_communes(codes: list[str]) -> None:
    region, _ = Region.objects.get_or_create(code="28", defaults={"name": "Normandie"})
    dep, _ = Departement.objects.get_or_create(
        code="76", defaults={"name": "Seine-Maritime", "region": region}
    )
    Commune.objects.bulk_create(
        Commune(code=code, name=f"Commune {code}", kind="commune", departement=dep)
        for code in codes
    )


def snapshot() -> list[tuple[object, ...]]:
    return (
        stored_values()
        .select("edition_id", "geo_code", "year", "indicator", "state", "count", "rate_per_1000")
        .rows()
    )


@pytest.fixture
def communes(db) -> list[str]:  # type: ignore[no-untyped-def]
    codes = ["76540", "76575", "76351"]
    add_communes(codes)
    return codes


def test_demo_files_are_imported_once_and_match_the_file(db) -> None:  # type: ignore[no-untyped-def]
    source = pl.read_csv(COMMUNES_FILE, separator=";", infer_schema=False)
    codes = sorted(set(source["CODGEO_2024"]) - {LEFT_OUT})
    add_communes(codes)
    departements = pl.read_csv(DEPARTEMENTS_FILE, separator=";", infer_schema=False)
    region = Region.objects.get(code="28")
    Departement.objects.bulk_create(
        Departement(code=code.zfill(2), name=code, region=region)
        for code in set(departements["code_departement"])
        if code.zfill(2) != "76"
    )

    reports = load_demo_statistics()

    communal = reports[0]
    known = source.filter(pl.col("CODGEO_2024") != LEFT_OUT)
    assert communal.rows_read == source.height
    assert communal.stored == known.height
    assert communal.suppressed == known.filter(pl.col("est_diffuse") == "ndiff").height
    assert communal.zero == known.filter(pl.col("nombre") == "0").height
    published = known.filter((pl.col("est_diffuse") == "diff") & (pl.col("nombre") != "0"))
    assert communal.published == published.height
    assert communal.unknown_codes == [LEFT_OUT]
    assert communal.unknown_rows == source.height - known.height > 0

    edition = Edition.objects.get(pk=communal.edition_id)
    assert (edition.geo_level, edition.cog_year, edition.schema_version) == ("commune", 2024, 2)
    assert (edition.rows_stored, edition.suppressed) == (communal.stored, communal.suppressed)
    stored = stored_values("commune")
    assert stored.height == known.height
    assert stored.filter(pl.col("state") == State.SUPPRESSED).height == communal.suppressed
    assert stored.filter(
        pl.col("state") == State.SUPPRESSED, pl.col("count").is_not_null()
    ).is_empty()
    assert (
        stored.filter(pl.col("state") == State.ZERO, pl.col("count") == 0).height == communal.zero
    )
    assert stored.filter(pl.col("geo_code") == LEFT_OUT).is_empty()
    # The stored values are the file's, cell by cell (count, population, published rate).
    kept = known.select(
        geo_code=pl.col("CODGEO_2024"),
        year=pl.col("annee").cast(pl.Int32),
        count=pl.when(pl.col("est_diffuse") == "diff").then(pl.col("nombre").cast(pl.Int64)),
        population=pl.col("insee_pop").cast(pl.Float64).round(0).cast(pl.Int64),
    ).sort("geo_code", "year", "count", "population")
    assert stored.select(kept.columns).sort(kept.columns).equals(kept)

    dep_edition = Edition.objects.get(pk=reports[1].edition_id)
    assert dep_edition.production_date.isoformat() == "2025-06-04"
    assert stored_values("departement").height == departements.height
    assert reports[1].unknown_codes == []

    assert load_demo_statistics() == []
    assert Edition.objects.count() == 2


def test_the_three_states_are_stored_as_published(communes, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write(
        tmp_path / "etats.csv",
        [
            row("76540", 2023, "Violences sexuelles", 12, '"1,5"'),
            row("76540", 2023, "Vols de véhicule", 0, '"0,0"'),
            row("76540", 2023, "Cambriolages de logement", None),
        ],
    )
    import_ssmsi(path)

    values = {v["indicator"]: v for v in stored_values().iter_rows(named=True)}
    published = values["Violences sexuelles"]
    assert (published["state"], published["count"], published["rate_per_1000"]) == (
        "published",
        12,
        1.5,
    )
    assert (published["population"], published["dwellings"]) == (1200, 500)
    zero = values["Vols de véhicule"]
    assert (zero["state"], zero["count"], zero["rate_per_1000"]) == ("zero", 0, 0.0)
    suppressed = values["Cambriolages de logement"]
    assert (suppressed["state"], suppressed["count"], suppressed["rate_per_1000"]) == (
        "suppressed",
        None,
        None,
    )
    assert suppressed["denominator_kind"] == "dwellings"
    # The département average over suppressed communes is never the commune's value.
    assert stored_values().filter(pl.col("count") == 1).is_empty()


def test_reimporting_the_same_file_leaves_the_same_rows(communes, tmp_path) -> None:  # type: ignore[no-untyped-def]
    lines = [row(code, 2022, "Violences sexuelles", 7) for code in communes]
    path = write(tmp_path / "a.csv", lines)
    first = import_ssmsi(path)
    before = snapshot()

    again = import_ssmsi(path)

    assert snapshot() == before
    assert stored_values().height == 3
    assert Edition.objects.count() == 1
    assert again.same_file_again and again.replaced == 3
    assert again.edition_id == first.edition_id


def test_a_new_edition_replaces_the_values_it_reprojects(communes, tmp_path) -> None:  # type: ignore[no-untyped-def]
    old = write(
        tmp_path / "donnee-data.gouv-2023-geographie2024-produit-le2024-07-18.csv",
        [
            *(
                row(code, year, "Violences sexuelles", 5)
                for code in communes
                for year in (2022, 2023)
            ),
            row("76540", 2019, "Violences sexuelles", 9),  # outside the new edition's years
            row("76540", 2023, "Vols de véhicule", 3),  # an indicator the new edition lacks
        ],
    )
    new = write(
        tmp_path / "donnee-data.gouv-2024-geographie2025-produit-le2025-07-10.csv",
        [
            row(code, year, "Violences sexuelles", 8)
            for code in communes[:2]
            for year in (2022, 2023)
        ],
    )
    old_report = import_ssmsi(old)
    new_report = import_ssmsi(new)

    # Exactly the cells the new edition carries are replaced (issue 13: an extract of a few
    # communes never erases the others); each value keeps the edition it comes from.
    assert new_report.replaced == 4
    assert Edition.objects.count() == 2
    stored = stored_values()
    sexual = stored.filter(pl.col("indicator") == "Violences sexuelles", pl.col("year") >= 2022)
    assert sexual.height == 6
    renewed = sexual.filter(pl.col("geo_code").is_in(communes[:2]))
    assert set(renewed.select("edition_id", "count").rows()) == {(new_report.edition_id, 8)}
    # The third commune, which the new file does not carry, keeps the older edition's values.
    third = sexual.filter(pl.col("geo_code") == communes[2])
    assert set(third.select("edition_id", "count").rows()) == {(old_report.edition_id, 5)}
    kept = stored.filter(pl.col("edition_id") == old_report.edition_id)
    assert sorted(kept.select("geo_code", "year", "indicator").rows()) == [
        (communes[2], 2022, "Violences sexuelles"),
        (communes[2], 2023, "Violences sexuelles"),
        ("76540", 2019, "Violences sexuelles"),
        ("76540", 2023, "Vols de véhicule"),
    ]


def test_unknown_communes_are_counted_reported_and_not_stored(communes, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write(
        tmp_path / "inconnues.csv",
        [
            row("76540", 2023, "Violences sexuelles", 12),
            row("76999", 2023, "Violences sexuelles", 4),
            row("76999", 2022, "Violences sexuelles", None),
            row("14118", 2023, "Violences sexuelles", 6),
        ],
    )
    out = io.StringIO()
    call_command("import_ssmsi", str(path), stdout=out, stderr=io.StringIO())

    assert stored_values().get_column("geo_code").to_list() == ["76540"]
    edition = Edition.objects.get()
    assert (edition.unknown_rows, edition.unknown_codes) == (3, ["14118", "76999"])
    assert "communes inconnues du référentiel : 2 (lignes non enregistrées : 3) : 14118, 76999" in (
        out.getvalue()
    )


def test_command_reports_progress_and_counts(communes, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write(
        tmp_path / "rapport.csv.gz",
        [
            row("76540", 2023, "Violences sexuelles", 12),
            row("76575", 2023, "Violences sexuelles", 0),
            row("76351", 2023, "Violences sexuelles", None),
        ],
        gz=True,
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("import_ssmsi", str(path), stdout=out, stderr=err)

    report = out.getvalue()
    for expected in [
        "Édition « rapport.csv.gz » (schéma v2, niveau commune, géographie 2025) importée :",
        "lignes lues : 3\n",
        "valeurs enregistrées : 3\n",
        "publiées : 1\n",
        "zéros publiés : 1\n",
        "non diffusées (secret statistique) : 1\n",
        "aucune commune inconnue du référentiel",
    ]:
        assert expected in report
    assert "Enregistrement : 100 %" in err.getvalue()
    assert Event.objects.filter(object_type="observatory.edition", verb="created").count() == 1


@pytest.fixture
def existing(communes, tmp_path) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    import_ssmsi(write(tmp_path / "existant.csv", [row("76540", 2023, "Violences sexuelles", 5)]))
    return snapshot()


def test_a_bad_count_names_line_and_column_and_changes_nothing(existing, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write(
        tmp_path / "mauvais.csv",
        [
            row("76575", 2023, "Violences sexuelles", 4),
            row("76540", 2023, "Violences sexuelles", -3),
        ],
    )
    with pytest.raises(CommandError) as caught:
        call_command("import_ssmsi", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    message = str(caught.value)
    assert "la base de données n'a pas été modifiée" in message
    assert "mauvais.csv, ligne 3, colonne « nombre »" in message
    assert "positif" in message
    assert snapshot() == existing
    assert Edition.objects.count() == 1


def test_a_truncated_gzip_names_the_line_and_changes_nothing(existing, tmp_path) -> None:  # type: ignore[no-untyped-def]
    lines = [row("76540", year, "Violences sexuelles", 7) for year in range(2016, 2024)] * 50
    full = gzip.compress(("\n".join([HEADER, *lines]) + "\n").encode())
    path = tmp_path / "tronque.csv.gz"
    path.write_bytes(full[: len(full) // 2])

    with pytest.raises(CommandError) as caught:
        call_command("import_ssmsi", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    message = str(caught.value)
    assert "tronque.csv.gz, ligne " in message
    assert "gzip tronqué" in message
    assert snapshot() == existing
    assert Edition.objects.count() == 1


def test_a_database_error_midway_rolls_everything_back(existing, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    real_insert = importer._insert

    def insert_then_fail(frame: pl.DataFrame, progress: importer.Progress, **options) -> None:  # type: ignore[no-untyped-def]
        real_insert(frame, progress, **options)  # old values deleted, new ones written...
        raise DatabaseError("disque plein")  # ...then the database fails

    monkeypatch.setattr(importer, "_insert", insert_then_fail)
    path = write(tmp_path / "nouveau.csv", [row("76540", 2023, "Violences sexuelles", 40)])
    events = Event.objects.count()

    with pytest.raises(CommandError, match="disque plein"):
        call_command("import_ssmsi", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    assert snapshot() == existing
    assert Edition.objects.count() == 1
    assert Event.objects.count() == events


def test_one_block_per_edition_area_and_indicator(existing, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Values are stored as blocks; a second block of the same edition, area and indicator is
    refused by the database, so a cell can never be stored twice by one edition."""
    block = SeriesBlock.objects.get()
    assert (block.geo_level, block.area, block.size, block.codes) == ("commune", "76", 1, "76540")
    block.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        block.save()


def test_a_departement_extract_leaves_the_other_departements_alone(communes, tmp_path) -> None:  # type: ignore[no-untyped-def]
    Commune.objects.create(
        code="27229",
        name="Évreux",
        kind="commune",
        departement=Departement.objects.create(
            code="27", name="Eure", region=Region.objects.get(code="28")
        ),
    )
    seine_maritime = write(
        tmp_path / "communes-76.csv",
        [row(code, 2023, "Violences sexuelles", 7) for code in communes],
    )
    eure = write(tmp_path / "communes-27.csv", [row("27229", 2023, "Violences sexuelles", 4)])
    import_ssmsi(seine_maritime)
    report = import_ssmsi(eure)
    assert report.replaced == 0
    stored = stored_values().filter(
        pl.col("indicator") == "Violences sexuelles", pl.col("year") == 2023
    )
    assert sorted(stored.select("geo_code", "count").rows()) == [
        ("27229", 4),
        ("76351", 7),
        ("76540", 7),
        ("76575", 7),
    ]


def test_stspd_import_ssmsi_file_imports_it(communes, tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write(
        tmp_path / "a.csv", [row(code, 2022, "Violences sexuelles", 7) for code in communes]
    )
    monkeypatch.setattr("sys.argv", ["stspd", "import-ssmsi", str(path)])
    # A command run from the command line closes the connections when it ends: not the test's.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    cli.main()

    assert "valeurs enregistrées : 3" in capsys.readouterr().out
    assert stored_values().height == 3


def test_values_the_blocks_refuse_roll_everything_back(existing, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # The blocks are packed before the transaction: a refusal changes nothing.
    def refuse(frame: pl.DataFrame, level: str) -> list[object]:
        raise BlockError("valeur incohérente avec son état (76540, 2023, …)")

    monkeypatch.setattr(importer, "encode", refuse)
    path = write(tmp_path / "nouveau.csv", [row("76540", 2023, "Violences sexuelles", 40)])
    events = Event.objects.count()

    with pytest.raises(CommandError) as caught:
        call_command("import_ssmsi", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    assert "nouveau.csv : valeur incohérente avec son état" in str(caught.value)
    assert "la base de données n'a pas été modifiée" in str(caught.value)
    assert snapshot() == existing
    assert Edition.objects.count() == 1
    assert Event.objects.count() == events
