"""The context block on the observatory pages and in the diagnostic, on the shipped real
extracts imported into the test world (Rouen, Saint-Étienne-du-Rouvray, Le Havre, Dieppe);
expected figures read here from the files' text."""

from __future__ import annotations

import csv
import gzip
import io
import statistics
from pathlib import Path

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from stspd.conftest import make_commune
from stspd.context.extracts import DATA_DIR, SHIPPED, load_references
from stspd.context.importer import import_context
from stspd.context.models import ContextValue, Qpv
from stspd.territories.models import Commune

NNBSP = "\u202f"


def lines(kind: str, separator: str = ",") -> list[dict[str, str]]:
    text = gzip.decompress(Path(DATA_DIR / SHIPPED[kind]).read_bytes()).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=separator))


def filosofi(code: str) -> dict[str, str]:
    return next(r for r in lines("filosofi", ";") if r["CODGEO"] == code)


def plain(html: str) -> str:
    return html.replace(NNBSP, " ").replace("\xa0", " ")


def load_context() -> None:
    for kind in ("filosofi", "qpv", "sru", "ips"):
        import_context(DATA_DIR / SHIPPED[kind], kind)
    import_context(DATA_DIR / SHIPPED["chomage"], "chomage", zones=DATA_DIR / SHIPPED["zones"])


@pytest.fixture
def with_context(world):  # type: ignore[no-untyped-def]
    # A commune whose poverty rate INSEE shows at its 5 % floor.
    rouen = Commune.objects.get(code="76540")
    make_commune("76116", "Bois-Guillaume", rouen.departement, None, 14000)
    load_context()
    return world


def test_a_commune_shows_its_values_against_the_departement_and_france(with_context, login) -> None:  # type: ignore[no-untyped-def]
    client = login(with_context.reader)
    html = plain(client.get("/observatoire/commune/76540/").content.decode())
    rouen = filosofi("76540")
    assert (rouen["TP6021"], rouen["MED21"]) == ("23,0", "21330")
    assert "Taux de pauvreté (seuil à 60 %)</th>\n                <td>23 %" in html
    assert "<td>21 330 €" in html
    references = load_references()
    departement = references["poverty_rate", "76"][3]
    assert f"Seine-Maritime : {departement:g} %".replace(".", ",") in html
    assert "(valeur au-dessus)" in html  # 23 % > the département's median
    assert "médiane des 72 communes où la valeur est publiée" in html
    assert (
        "Insee, Filosofi (fichier localisé social et fiscal), Licence Ouverte 2.0 — "
        "édition 2021, géographie au 1er janvier 2024" in html
    )
    rouen_qpv = [r["lib_qp"] for r in lines("qpv") if "76540" in r["insee_com"].split(";")]
    assert f"{len(rouen_qpv)} quartiers prioritaires, dans 1 commune" in html
    for name in rouen_qpv:
        assert name in html
    zone = next(r for r in lines("zones") if r["code_insee"] == "76540")["ze2020"]
    rates = next(r for r in lines("chomage") if r["ze2020"] == zone)
    assert f"Rouen : {rates['2025-T4'].replace('.', ',')} % (2025-T4)" in html


def test_a_censored_poverty_rate_reads_at_most_5_percent(with_context, login) -> None:  # type: ignore[no-untyped-def]
    assert filosofi("76116")["TP6021"] == "5,0"
    client = login(with_context.reader)
    html = plain(client.get("/observatoire/commune/76116/").content.decode())
    assert "<td>≤ 5 %" in html
    assert "<td>5 %" not in html
    assert ContextValue.objects.get(code="76116", indicator="poverty_rate").state == "censored"


def test_an_epci_shows_its_members_distribution_not_a_made_up_total(with_context, login) -> None:  # type: ignore[no-untyped-def]
    client = login(with_context.reader)
    html = plain(client.get("/observatoire/epci/200023414/").content.decode())
    incomes = sorted(int(filosofi(code)["MED21"]) for code in ("76540", "76575"))
    median = statistics.median(incomes)
    low, high, middle = (f"{round(x):,}".replace(",", " ") for x in (*incomes, median))
    expected = f"De {low} € à {high} €, médiane {middle} € (2 communes sur 2 avec une valeur)"
    assert expected in html
    assert "un taux ou une médiane ne s'additionne pas" in html
    qpv = {
        r["code_qp"] for r in lines("qpv") if {"76540", "76575"} & set(r["insee_com"].split(";"))
    }
    assert f"{len(qpv)} quartiers prioritaires, dans 2 communes sur 2" in html


def test_the_diagnostic_shows_the_context_block(with_context, login) -> None:  # type: ignore[no-untyped-def]
    client = login(with_context.coordinator)
    url = f"/observatoire/diagnostic/{with_context.council.pk}/"
    html = plain(client.get(url).content.decode())
    assert "Contexte du territoire" in html
    assert "Taux de logements sociaux (loi SRU)" in html


def test_without_context_data_the_block_is_absent(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.reader)
    assert (
        "Contexte du territoire" not in client.get("/observatoire/commune/76540/").content.decode()
    )


def test_the_context_block_queries_do_not_grow_with_the_members(
    with_context, login, settings
) -> None:  # type: ignore[no-untyped-def]
    # The computation's queries (cached, a page does fewer: observatory/tests/test_cache.py).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    client = login(with_context.reader)
    url = "/observatoire/epci/200023414/"

    def count() -> int:
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    rouen = Commune.objects.get(code="76540")
    value = ContextValue.objects.get(code="76540", indicator="median_income")
    qpv = Qpv.objects.filter(communes=rouen).first()
    assert qpv is not None
    for number in range(10):
        commune = make_commune(
            f"769{number:02d}", f"Commune {number}", rouen.departement, rouen.epci, 1000
        )
        ContextValue.objects.create(
            edition=value.edition,
            indicator="median_income",
            geo_level="commune",
            code=commune.code,
            commune=commune,
            period="2021",
            value=20000 + number,
            unit="€",
            state="published",
        )
        qpv.communes.add(commune)
    assert count() == before
    html = plain(client.get(url).content.decode())
    assert "(12 communes sur 12 avec une valeur)" in html


def test_the_summary_docstring_examples_run() -> None:
    import doctest

    from stspd.context import summary

    result = doctest.testmod(summary)
    assert result.failed == 0 and result.attempted > 0


def test_comparable_communes_are_chosen_and_explained_on_context_too(with_context, login) -> None:  # type: ignore[no-untyped-def]
    client = login(with_context.reader)
    response = client.get(f"/observatoire/commune/76540/{with_context.indicator.pk}/")
    (commune,) = response.context["similar"].communes
    assert commune["code"] == "76575"
    poverty = filosofi("76575")["TP6021"].replace(",0", "")
    reasons = plain(commune["reasons"])
    assert f"pauvreté {poverty} % (ici 23 %)" in reasons
    assert "QPV oui (ici oui)" in reasons
    assert "revenu médian 18 910 € (ici 21 330 €)" in reasons


def test_the_similarity_features_follow_a_new_import(with_context, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from stspd.context.summary import similarity_features

    assert similarity_features({"76540", "76351"}) == {
        "76540": {
            "poverty_rate": 23.0,
            "median_income": 21330.0,
            "social_housing_rate": 25.0,
            "qpv": True,
        },
        "76351": {
            "poverty_rate": float(filosofi("76351")["TP6021"].replace(",", ".")),
            "median_income": float(filosofi("76351")["MED21"]),
            "social_housing_rate": 37.0,  # Le Havre, the README's check
            "qpv": True,
        },
    }
    newer = tmp_path / "sru.csv"
    newer.write_text("code_insee,label,rate_pct\n76540,Rouen,26\n")
    import_context(newer, "sru", edition="2025")
    assert similarity_features({"76540"})["76540"]["social_housing_rate"] == 26.0  # type: ignore[index]


def test_the_member_map_and_its_table_carry_each_communes_qpv(with_context, login) -> None:  # type: ignore[no-untyped-def]
    client = login(with_context.reader)
    response = client.get(f"/observatoire/epci/200023414/{with_context.indicator.pk}/")
    features = {
        f["properties"]["code"]: f["properties"] for f in response.context["map"]["features"]
    }
    expected = {
        code: sum(code in r["insee_com"].split(";") for r in lines("qpv"))
        for code in ("76540", "76575")
    }
    assert {code: p["qpv"] for code, p in features.items()} == expected
    assert "Quartiers prioritaires (QPV 2024)</th>" in response.content.decode()


def test_without_a_qpv_list_the_map_has_no_qpv_column(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.reader)
    response = client.get(f"/observatoire/epci/200023414/{world.indicator.pk}/")
    assert "Quartiers prioritaires" not in response.content.decode()
    assert all(f["properties"]["qpv"] is None for f in response.context["map"]["features"])


def test_the_diagnostic_pdf_carries_the_context_block(with_context, login) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    response = login(with_context.partner).get(
        f"/observatoire/diagnostic/{with_context.council.pk}/pdf/"
    )
    reader = PdfReader(io.BytesIO(response.content))
    text = plain(" ".join(page.extract_text() for page in reader.pages))
    assert "Contexte du territoire" in text
    low, high = sorted(int(filosofi(code)["MED21"]) for code in ("76540", "76575"))
    assert f"{low:,} €".replace(",", " ") in text and f"{high:,} €".replace(",", " ") in text
    assert "Quartiers prioritaires de la politique de la ville" in text
