"""Communes merged since a file's geography (issue 13): their values go to the current
commune, added cell by cell under the rule of the states, and the import says so."""

import polars as pl
import pytest

from stspd.conftest import make_user
from stspd.demo.observatory import COMMUNES_FILE
from stspd.observatory.figures import load_values
from stspd.observatory.importer import import_ssmsi, stored_values
from stspd.observatory.models import Edition, Indicator
from stspd.observatory.tests.test_import import add_communes, row, write
from stspd.territories.importer import import_cog
from stspd.territories.models import Commune, FormerCommuneCode

KEYS = ["geo_code", "year", "indicator"]


def expected_sum(path, parts: list[str], current: str) -> pl.DataFrame:  # type: ignore[no-untyped-def]
    """The sum of `parts` in the raw file, computed here from its text with polars, apart from
    the importer: published + zero = published, zero + zero = zero, a suppressed part makes a
    lower bound ("au moins" the others), all suppressed stays suppressed."""
    raw = pl.read_csv(path, separator=";", infer_schema=False)
    geo = next(c for c in raw.columns if c.startswith("CODGEO_"))
    rows = raw.filter(pl.col(geo).is_in(parts))
    summed = rows.group_by("annee", "indicateur").agg(
        parts=pl.len(),
        suppressed=(pl.col("est_diffuse") == "ndiff").sum(),
        total=pl.col("nombre").filter(pl.col("est_diffuse") == "diff").cast(pl.Int64).sum(),
        population=pl.col("insee_pop").cast(pl.Float64).round(0).cast(pl.Int64).sum(),
    )
    assert set(summed.get_column("parts")) == {len(parts)}  # every part has every cell
    state = (
        pl.when(pl.col("suppressed") == pl.col("parts"))
        .then(pl.lit("suppressed"))
        .when(pl.col("suppressed") > 0)
        .then(pl.lit("lower_bound"))
        .when(pl.col("total") > 0)
        .then(pl.lit("published"))
        .otherwise(pl.lit("zero"))
    )
    return (
        summed.with_columns(state=state)
        .select(
            geo_code=pl.lit(current),
            year=pl.col("annee").cast(pl.Int32),
            indicator=pl.col("indicateur"),
            state=pl.col("state"),
            count=pl.when(pl.col("state") != "suppressed").then(pl.col("total")),
            population=pl.col("population"),
        )
        .sort(KEYS)
    )


def test_a_commune_merged_since_the_file_is_added_to_its_current_commune(db, client) -> None:  # type: ignore[no-untyped-def]
    import_cog()  # the reference and its former codes, as an operator loads them
    assert FormerCommuneCode.objects.get(code="76358").commune.code == "76455"

    report = import_ssmsi(COMMUNES_FILE)  # Seine-Maritime, geography 2024

    expected = expected_sum(COMMUNES_FILE, ["76455", "76358"], "76455")
    stored = stored_values("commune")
    morville = stored.filter(pl.col("geo_code") == "76455").select(expected.columns).sort(KEYS)
    assert morville.equals(expected)
    # Two small communes: lower bounds and zeros occur (the other states: the next test).
    assert {"lower_bound", "zero"} <= set(expected.get_column("state"))
    assert stored.filter(pl.col("geo_code") == "76358").is_empty()
    merged_rates = stored.filter(pl.col("geo_code") == "76455").get_column("rate_per_1000")
    assert merged_rates.null_count() == merged_rates.len()  # no rate was published for a sum

    assert "76358" not in report.unknown_codes
    assert report.merged == {"76358": "76455"}
    assert report.merged_rows == expected.height
    assert report.lower_bound == expected.filter(pl.col("state") == "lower_bound").height > 0
    text = str(report)
    assert (
        "communes fusionnées depuis la géographie du fichier, valeurs additionnées à celles de la "
        "commune actuelle : 1 (lignes regroupées : 112) : 76358 → 76455 Morville-le-Héron"
    ) in text
    assert (
        "bornes inférieures (« au moins » : commune fusionnée dont une partie n'est pas "
        f"diffusée) : {report.lower_bound}\n"
    ) in text
    # The edition keeps the file's own codes of the values it stored under another.
    edition = Edition.objects.get(pk=report.edition_id)
    assert edition.merged_codes == {"76358": "76455"}
    assert edition.lower_bound == report.lower_bound
    assert (
        edition.rows_stored
        == report.stored
        == report.rows_read - report.merged_rows - (report.unknown_rows)
    )

    # The commune's page says "au moins" for a lower bound.
    bound = expected.filter(pl.col("state") == "lower_bound").row(0, named=True)
    indicator = Indicator.objects.get(label=bound["indicator"])
    client.force_login(make_user("lecteur@example.org", "Léa", "Lecteur"))
    html = client.get(f"/observatoire/commune/76455/{indicator.pk}/").content.decode()
    assert f"au moins {bound['count']}" in html


@pytest.fixture
def merged(db) -> None:  # type: ignore[no-untyped-def]
    """76455 today, which took over 76358 (and a made-up 76999 for a third part)."""
    add_communes(["76455", "76540"])
    commune = Commune.objects.get(code="76455")
    FormerCommuneCode.objects.create(code="76358", name="Le Héron", commune=commune)
    FormerCommuneCode.objects.create(code="76999", commune=commune)


def test_the_rule_of_the_states_for_a_sum_of_parts(merged, tmp_path) -> None:  # type: ignore[no-untyped-def]
    label = "Violences sexuelles"
    path = write(
        tmp_path / "ancienne-geographie.csv",
        [
            # 2016: published + zero = published
            row("76358", 2016, label, 0),
            row("76455", 2016, label, 3),
            # 2017: zero + zero = zero
            row("76358", 2017, label, 0),
            row("76455", 2017, label, 0),
            # 2018: published + suppressed = at least the published part
            row("76358", 2018, label, None),
            row("76455", 2018, label, 2),
            # 2019: zero + suppressed = at least 0
            row("76358", 2019, label, None),
            row("76455", 2019, label, 0),
            # 2020: suppressed + suppressed = suppressed
            row("76358", 2020, label, None),
            row("76455", 2020, label, None),
            # 2021: a part without a row (76358 missing) = at least the known part
            row("76455", 2021, label, 4),
            row("76540", 2021, label, 7),  # not merged: kept as it is, its rate too
        ],
    )
    report = import_ssmsi(path)

    stored = stored_values("commune").sort(KEYS)
    assert stored.select("geo_code", "year", "state", "count", "population").rows() == [
        ("76455", 2016, "published", 3, 2400),
        ("76455", 2017, "zero", 0, 2400),
        ("76455", 2018, "lower_bound", 2, 2400),
        ("76455", 2019, "lower_bound", 0, 2400),
        ("76455", 2020, "suppressed", None, 2400),
        ("76455", 2021, "lower_bound", 4, None),  # a part's population is unknown
        ("76540", 2021, "published", 7, 1200),
    ]
    assert stored.filter(pl.col("geo_code") == "76540").get_column("rate_per_1000").to_list() == [
        None
    ]
    assert report.merged == {"76358": "76455"}  # 76999 is not in the file
    assert (report.published, report.zero, report.suppressed, report.lower_bound) == (2, 1, 1, 3)

    # A reader that does not handle lower bounds reads them as suppressed, never as a figure.
    plain = load_values("commune", ["76455"]).sort("year")
    assert plain.select("state", "count").rows()[2:4] == [("suppressed", None)] * 2
    aware = load_values("commune", ["76455"], lower_bounds=True).sort("year")
    assert aware.select("state", "count").rows()[2:4] == [("lower_bound", 2), ("lower_bound", 0)]


def test_a_new_geography_replaces_the_sum_with_the_current_communes_own_value(  # type: ignore[no-untyped-def]
    merged, tmp_path
) -> None:
    label = "Violences sexuelles"
    old = write(
        tmp_path / "geographie2024.csv",
        [row("76358", 2023, label, None), row("76455", 2023, label, 2)],
    )
    new = write(tmp_path / "geographie2026.csv", [row("76455", 2023, label, 5)])
    import_ssmsi(old)
    assert stored_values().select("state", "count").rows() == [("lower_bound", 2)]

    report = import_ssmsi(new)

    assert report.merged == {} and report.replaced == 1
    assert stored_values().select("geo_code", "state", "count").rows() == [
        ("76455", "published", 5)
    ]
    assert "communes fusionnées" not in str(report)
