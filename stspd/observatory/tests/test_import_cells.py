"""An import replaces exactly the cells it carries (territory x indicator x year) and leaves
every other stored value alone, whichever file came first (issue 13)."""

import gzip
import io
from pathlib import Path

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from crimestats.ssmsi import SsmsiFormatError
from stspd.demo.observatory import COMMUNES_FILE
from stspd.observatory.importer import import_ssmsi, stored_values
from stspd.observatory.models import Edition, SeriesBlock
from stspd.observatory.tests.test_import import HEADER, add_communes, row, snapshot, write
from stspd.territories.importer import COMMUNES_FILE as REFERENCE_FILE
from stspd.territories.models import Commune

# The CC des Villes Soeurs: the 15 communes of an EPCI of Seine-Maritime (reference 2026).
VILLES_SOEURS = "247600588"
VALUES = ["geo_code", "year", "indicator", "state", "count", "population", "dwellings"]


def epci_codes(siren: str) -> list[str]:
    reference = pl.read_csv(REFERENCE_FILE, infer_schema=False)
    return sorted(
        reference.filter(pl.col("epci_siren") == siren, pl.col("departement") == "76")
        .get_column("code_insee")
        .to_list()
    )


def extract(codes: list[str], path: Path) -> Path:
    """The shipped Seine-Maritime file's lines of `codes`, byte for byte (its header kept)."""
    header, *lines = gzip.decompress(COMMUNES_FILE.read_bytes()).decode().splitlines()
    wanted = set(codes)
    kept = [line for line in lines if line.split(";", 1)[0] in wanted]
    path.write_bytes(gzip.compress(("\n".join([header, *kept]) + "\n").encode()))
    return path


def stored_cells() -> pl.DataFrame:
    """Every stored value without its edition: what a reader sees."""
    return stored_values("commune").select(VALUES).sort("geo_code", "year", "indicator")


@pytest.fixture
def seine_maritime(db) -> list[str]:  # type: ignore[no-untyped-def]
    codes = sorted(
        set(pl.read_csv(COMMUNES_FILE, separator=";", infer_schema=False)["CODGEO_2024"])
    )
    add_communes(codes)
    return codes


def test_an_epci_extract_never_erases_the_rest_of_its_departement(seine_maritime, tmp_path) -> None:  # type: ignore[no-untyped-def]
    members = epci_codes(VILLES_SOEURS)
    assert len(members) == 15 and set(members) <= set(seine_maritime)
    epci = extract(
        members, tmp_path / "donnee-data.gouv-2023-geographie2024-cc-villes-soeurs.csv.gz"
    )

    import_ssmsi(COMMUNES_FILE)
    alone = stored_cells()
    assert alone.get_column("geo_code").n_unique() == len(seine_maritime)
    SeriesBlock.objects.all().delete()
    Edition.objects.all().delete()

    first = import_ssmsi(epci)
    assert first.stored == first.rows_read > 0
    national = import_ssmsi(COMMUNES_FILE)
    # The file re-projects the extract's cells: exactly those are replaced.
    assert national.replaced == first.stored
    again = import_ssmsi(epci)
    assert again.replaced == first.stored

    assert stored_cells().equals(alone)
    # The extract's cells now come from the extract's edition, the others from the file's.
    editions = stored_values("commune").group_by("edition_id").agg(pl.col("geo_code").unique())
    by_edition = {pk: set(codes) for pk, codes in editions.iter_rows()}
    assert by_edition[again.edition_id] == set(members)
    assert by_edition[national.edition_id] == set(seine_maritime) - set(members)


def test_a_partial_file_of_a_departement_leaves_the_rest_of_it_untouched(
    seine_maritime, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    communes = ["76540", "76575", "76351"]
    labels = ["Violences sexuelles", "Vols de véhicule"]
    full = write(
        tmp_path / "complet.csv",
        [
            row(code, year, label, 10 + year - 2016)
            for code in communes
            for year in range(2016, 2024)
            for label in labels
        ],
    )
    first = import_ssmsi(full)
    before = stored_cells()

    # One commune, one year, one indicator: a correction of a single cell.
    partial = write(tmp_path / "correction.csv", [row("76540", 2023, "Violences sexuelles", 99)])
    report = import_ssmsi(partial)

    assert report.replaced == 1
    after = stored_values("commune")
    corrected = after.filter(
        pl.col("geo_code") == "76540", pl.col("year") == 2023, pl.col("indicator") == labels[0]
    )
    assert corrected.select("count", "edition_id").rows() == [(99, report.edition_id)]
    others = after.filter(
        ~(
            (pl.col("geo_code") == "76540")
            & (pl.col("year") == 2023)
            & (pl.col("indicator") == labels[0])
        )
    )
    assert others.height == before.height - 1 == 3 * 8 * 2 - 1
    assert set(others.get_column("edition_id")) == {first.edition_id}
    expected = before.filter(
        ~(
            (pl.col("geo_code") == "76540")
            & (pl.col("year") == 2023)
            & (pl.col("indicator") == labels[0])
        )
    )
    assert others.select(VALUES).sort("geo_code", "year", "indicator").equals(expected)


def test_a_file_without_data_rows_is_refused_and_changes_nothing(seine_maritime, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import_ssmsi(write(tmp_path / "existant.csv", [row("76540", 2023, "Violences sexuelles", 5)]))
    before, editions = snapshot(), Edition.objects.count()
    empty = tmp_path / "vide.csv"
    empty.write_text(HEADER + "\n", encoding="utf-8")

    with pytest.raises(CommandError) as caught:
        call_command("import_ssmsi", str(empty), stdout=io.StringIO(), stderr=io.StringIO())

    message = str(caught.value)
    assert "la base de données n'a pas été modifiée" in message
    assert "vide.csv, ligne 2 : aucune ligne de données après l'en-tête" in message
    assert snapshot() == before
    assert Edition.objects.count() == editions


def test_a_file_of_unknown_territories_only_is_refused_and_changes_nothing(
    seine_maritime, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    import_ssmsi(write(tmp_path / "existant.csv", [row("76540", 2023, "Violences sexuelles", 5)]))
    before, editions = snapshot(), Edition.objects.count()
    path = write(
        tmp_path / "ailleurs.csv",
        [row("14118", 2023, "Violences sexuelles", 4), row("99999", 2023, "Vols de véhicule", 2)],
    )

    with pytest.raises(SsmsiFormatError) as caught:
        import_ssmsi(path)

    message = str(caught.value)
    assert message.startswith("ailleurs.csv, colonne « CODGEO_2025 » : ")
    assert "aucune des 2 communes du fichier n'est dans le référentiel (14118, 99999)" in message
    assert "stspd import-cog" in message
    assert snapshot() == before
    assert Edition.objects.count() == editions


def test_the_same_file_again_keeps_the_cells_it_no_longer_carries(seine_maritime, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The same file (same edition) imported again after a territory left the reference: its
    rows are now unknown, not stored, and its stored values stay in the edition's blocks."""
    path = write(
        tmp_path / "trois.csv",
        [
            row(code, year, "Violences sexuelles", 3)
            for code in ["76351", "76540", "76575"]
            for year in (2022, 2023)
        ],
    )
    first = import_ssmsi(path)
    before = stored_cells()
    Commune.objects.filter(code="76351").delete()

    again = import_ssmsi(path)

    assert again.same_file_again and again.edition_id == first.edition_id
    assert again.unknown_codes == ["76351"] and again.replaced == 4
    assert stored_cells().equals(before)
    assert SeriesBlock.objects.count() == 1
