"""`stspd import-context`: the shipped real extracts stored with their states, known answers
computed here from the files' text apart from the importer, merged communes, atomicity."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from stspd.context.extracts import DATA_DIR, SHIPPED
from stspd.context.importer import import_context
from stspd.context.models import CommuneZone, ContextEdition, ContextValue, Qpv
from stspd.territories.importer import DATA_DIR as COG_DIR
from stspd.territories.importer import import_cog
from stspd.territories.models import Commune

FILOSOFI = DATA_DIR / SHIPPED["filosofi"]
QPV = DATA_DIR / SHIPPED["qpv"]
SRU = DATA_DIR / SHIPPED["sru"]
IPS = DATA_DIR / SHIPPED["ips"]
CHOMAGE = DATA_DIR / SHIPPED["chomage"]
ZONES = DATA_DIR / SHIPPED["zones"]


def rows(path: Path, separator: str = ",") -> list[dict[str, str]]:
    text = gzip.decompress(path.read_bytes()).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=separator))


def former_codes() -> dict[str, str]:
    """The reference's former codes, read from its shipped file, apart from the database."""
    return {
        r["ancien_code"]: r["code_insee_2026"]
        for r in rows(COG_DIR / "anciens_codes_vers_cog2026.csv.gz")
    }


def stored(code: str, indicator: str) -> ContextValue:
    return ContextValue.objects.get(code=code, indicator=indicator, geo_level="commune")


@pytest.fixture
def reference(db: None) -> None:
    import_cog()


def test_rouen_poverty_rate_and_median_income_are_filosofis_published_figures(
    reference: None,
) -> None:
    report = import_context(FILOSOFI, "filosofi")
    (line,) = [r for r in rows(FILOSOFI, ";") if r["CODGEO"] == "76540"]
    assert (line["TP6021"], line["MED21"]) == ("23,0", "21330")  # the file's own text
    rate, median = stored("76540", "poverty_rate"), stored("76540", "median_income")
    assert (rate.value, rate.unit, rate.state, rate.period) == (23.0, "%", "published", "2021")
    assert (median.value, median.unit, median.state) == (21330.0, "€", "published")
    edition = rate.edition
    assert (edition.kind, edition.edition, edition.geography_year) == ("filosofi", "2021", 2024)
    assert report.rows_read == len(rows(FILOSOFI, ";")) == 1829


def test_secret_and_censored_cells_keep_their_state(reference: None) -> None:
    import_context(FILOSOFI, "filosofi")
    lines = rows(FILOSOFI, ";")
    former = former_codes()
    codes = {r["CODGEO"] for r in lines}
    merged = {former[c] for c in codes if c in former} | (codes & set(former))
    current = codes - merged  # a merged commune's parts get no rate (next test)
    secret = [r["CODGEO"] for r in lines if r["TP6021"] == "s" and r["CODGEO"] in current]
    floor = [r["CODGEO"] for r in lines if r["TP6021"] == "5,0" and r["CODGEO"] in current]
    assert len(floor) == 10 and "76116" in floor
    assert ContextValue.objects.filter(
        indicator="poverty_rate", code__in=secret, state="suppressed", value=None
    ).count() == len(secret)
    censored = ContextValue.objects.filter(indicator="poverty_rate", state="censored")
    assert sorted(censored.values_list("code", flat=True)) == sorted(floor)
    assert set(censored.values_list("value", flat=True)) == {5.0}
    # No poverty rate below the floor, none stored as a plain 5 %.
    assert not ContextValue.objects.filter(
        indicator="poverty_rate", state="published", value__lte=5
    ).exists()


def test_a_merged_communes_code_is_mapped_to_its_successor_and_its_median_left_unknown(
    reference: None,
) -> None:
    report = import_context(FILOSOFI, "filosofi")
    assert former_codes()["76358"] == "76455"
    assert report.merged == {"33409": "33008", "76358": "76455"}
    assert not ContextValue.objects.filter(code__in=["76358", "33409"]).exists()
    merged = stored("76455", "median_income")
    assert (merged.value, merged.state) == (None, "unknown")
    assert "76358, 76455" in merged.note
    assert merged.commune == Commune.objects.get(code="76455")
    assert "76358 → 76455" in str(report)


def test_qpv_list_counts_metropolitan_neighbourhoods_and_their_communes(reference: None) -> None:
    report = import_context(QPV, "qpv")
    lines = rows(QPV)
    metro = [r for r in lines if r["zone"] == "metro"]
    assert len(metro) == 1362
    former = former_codes()
    communes = {former.get(c, c) for r in metro for c in r["insee_com"].split(";")}
    assert Qpv.objects.filter(zone="metro").count() == 1362
    stored_communes = Commune.objects.filter(qpvs__zone="metro").distinct().count()
    assert stored_communes == len(communes)
    rouen = Commune.objects.get(code="76540")
    expected = sorted(r["code_qp"] for r in lines if "76540" in r["insee_com"].split(";"))
    assert sorted(rouen.qpvs.values_list("code", flat=True)) == expected
    seine_maritime = [r for r in lines if r["code_qp"][2:5] == "076"]
    assert len(seine_maritime) == 29
    assert Qpv.objects.filter(code__startswith="QN076").count() == 29
    several = next(r for r in metro if int(r["n_communes"]) > 1)
    assert Qpv.objects.get(code=several["code_qp"]).communes.count() == int(several["n_communes"])
    assert report.qpvs == Qpv.objects.count()


def test_unemployment_by_employment_zone_with_the_commune_table(reference: None) -> None:
    with pytest.raises(Exception, match="--zones"):
        import_context(CHOMAGE, "chomage")
    import_context(CHOMAGE, "chomage", zones=ZONES)
    zone = CommuneZone.objects.get(commune__code="76540")
    assert (zone.zone, zone.zone_name) == ("2815", "Rouen")
    rate = ContextValue.objects.get(geo_level="zone_emploi", code="2815", period="2025-T4")
    assert (rate.value, rate.unit) == (8.9, "%")
    assert (
        ContextValue.objects.get(geo_level="zone_emploi", code="2813", period="2025-T4").value
        == 9.5
    )


def test_re_import_replaces_its_own_edition_only_and_a_bad_file_stores_nothing(
    reference: None, tmp_path: Path
) -> None:
    import_context(SRU, "sru")
    import_context(SRU, "sru", edition="2023")
    count = ContextValue.objects.count()
    assert ContextValue.objects.filter(edition__edition="2023").count() == count // 2
    report = import_context(SRU, "sru")
    assert report.replaced == count // 2
    assert ContextValue.objects.count() == count
    assert stored_rate("76540") == {"2023": 25.0, "2024": 25.0}

    bad = tmp_path / "sru.csv"
    bad.write_text("code_insee,label,rate_pct\n76540,Rouen,30\n76351,Le Havre,beaucoup\n")
    before = list(ContextValue.objects.order_by("pk").values_list("pk", "value"))
    editions = list(ContextEdition.objects.values_list("pk", flat=True))
    with pytest.raises(CommandError) as caught:
        call_command("import_context", "sru", str(bad))
    message = str(caught.value)
    assert "Import annulé" in message
    assert "ligne 3, colonne « rate_pct » : nombre attendu, trouvé « beaucoup »" in message
    assert list(ContextValue.objects.order_by("pk").values_list("pk", "value")) == before
    assert list(ContextEdition.objects.values_list("pk", flat=True)) == editions

    unknown = tmp_path / "sru_inconnu.csv"
    unknown.write_text("code_insee,label,rate_pct\n99999,Nulle part,30\n")
    with pytest.raises(CommandError, match="aucun code du fichier n'est dans le référentiel"):
        call_command("import_context", "sru", str(unknown), "--edition", "2024")
    assert stored_rate("76540") == {"2023": 25.0, "2024": 25.0}  # the failed one rolled back


def stored_rate(code: str) -> dict[str, float | None]:
    return {
        v.edition.edition: v.value
        for v in ContextValue.objects.filter(code=code).select_related("edition")
    }


def test_the_command_prints_its_report(reference: None, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("import_context", "ips", str(IPS))
    out = capsys.readouterr().out
    assert "Source « ips », édition 2024-2025" in out
    assert f"valeurs enregistrées : {len(rows(IPS))}" in out.replace("\u202f", "")
    rouen = next(r for r in rows(IPS) if r["code_insee"] == "76540")
    assert stored("76540", "school_ips_median").value == float(rouen["ips_median"])
