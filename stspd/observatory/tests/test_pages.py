"""Observatory pages of a commune, an EPCI and a council, on the world's known figures.

The world (stspd/conftest.py): Rouen 100, 120, 90 destructions in 2021-2023 for 100,000
inhabitants; Saint-Étienne-du-Rouvray 30, suppressed, 0 for 30,000; Seine-Maritime 1,000,
1,100, 1,200 for 1,250,000; Eure 400 a year for 600,000.
"""

import json

import numpy as np
import polars as pl
import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from stspd.conftest import make_commune, rewrite_values
from stspd.observatory.models import Edition
from stspd.territories.models import Commune, CommuneShape

SQUARE = {"type": "Polygon", "coordinates": [[[1, 49], [1.1, 49], [1.1, 49.1], [1, 49]]]}


def chart(response) -> dict:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    start = html.index('<script id="chart-data" type="application/json">')
    body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(body)


def test_commune_rate_and_exact_interval(world, login) -> None:  # type: ignore[no-untyped-def]
    url = f"/observatoire/commune/76540/{world.indicator.pk}/"
    response = login(world.reader).get(url)
    html = response.content.decode()
    # 90 / 100,000 x 1,000 = 0.90; Garwood 95 %: chi2 quantiles / 2 -> [0.7237, 1.1063].
    assert "0,90" in html and "0,72 à 1,11" in html
    # Seine-Maritime 1,200 / 1,250,000 = 0.96; France (76 + 27) 1,600 / 1,850,000 = 0.86.
    assert "0,96" in html and "0,86" in html


def test_a_suppressed_year_is_never_drawn_as_zero(world, login) -> None:  # type: ignore[no-untyped-def]
    response = login(world.reader).get(f"/observatoire/commune/76575/{world.indicator.pk}/")
    data = chart(response)
    assert data["years"] == ["2021", "2022", "2023"]
    assert data["status"] == ["published", "suppressed", "zero"]
    assert data["rate"][1] is None and data["low"][1] is None
    assert data["rate"][2] == 0.0  # a published zero is a real zero
    assert "non diffusée (secret statistique)" in response.content.decode()


def test_epci_total_with_a_suppressed_member_is_a_lower_bound(world, login) -> None:  # type: ignore[no-untyped-def]
    response = login(world.reader).get(f"/observatoire/epci/200023414/{world.indicator.pk}/")
    html = response.content.decode()
    data = chart(response)
    assert data["status"] == ["published", "lower_bound", "published"]
    assert data["high"][1] is None  # no upper limit for a lower bound
    assert "au moins 120" in html and "(1 commune non diffusée sur 2)" in html
    # 2023: 90 + 0 = 90 for 130,000 inhabitants = 0.69, interval [0.557, 0.851].
    assert data["rate"][2] == pytest.approx(90 / 130)
    assert "0,56 à 0,85" in html


def test_territory_page_lists_the_latest_year_of_each_indicator(world, login) -> None:  # type: ignore[no-untyped-def]
    response = login(world.partner).get(f"/observatoire/conseil/{world.council.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Destructions et dégradations volontaires" in html
    assert "<td>2023</td>" in html and "0,69" in html
    assert "Secret statistique" in html  # the caveats sit beside the figures


def test_csv_download_keeps_the_three_states(world, login) -> None:  # type: ignore[no-untyped-def]
    response = login(world.reader).get(
        f"/observatoire/commune/76575/csv/?indicateur={world.indicator.pk}"
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("territoire;code;indicateur;unite_de_compte;annee;etat;nombre")
    rows = [line.split(";") for line in lines[1:]]
    assert [(r[4], r[5], r[6]) for r in rows] == [
        ("2021", "publiée", "30"),
        ("2022", "non diffusée (secret statistique)", ""),
        ("2023", "zéro publié", "0"),
    ]
    assert rows[0][10] == "1,0000"  # 30 / 30,000 x 1,000, decimal comma


def test_member_map_hatches_suppressed_communes(world, login) -> None:  # type: ignore[no-untyped-def]
    for commune in Commune.objects.filter(code__in=["76540", "76575"]):
        CommuneShape.objects.create(commune=commune, geometry=SQUARE, source="test")
    suppressed = (pl.col("geo_code") == "76575") & (pl.col("year") == 2023)
    rewrite_values(
        Edition.objects.get(geo_level="commune"),
        lambda cells: cells.with_columns(
            state=pl.when(suppressed).then(pl.lit("suppressed")).otherwise("state"),
            count=pl.when(suppressed).then(None).otherwise("count"),
        ),
    )
    response = login(world.reader).get(f"/observatoire/epci/200023414/{world.indicator.pk}/")
    html = response.content.decode()
    start = html.index('<script id="map-data" type="application/json">')
    features = json.loads(html[start:].split(">", 1)[1].split("</script>", 1)[0])["features"]
    states = {f["properties"]["code"]: f["properties"]["state"] for f in features}
    assert states == {"76540": "published", "76575": "suppressed"}


def test_outsider_cannot_see_a_council_observatory(world, login) -> None:  # type: ignore[no-untyped-def]
    assert (
        login(world.outsider).get(f"/observatoire/conseil/{world.council.pk}/").status_code == 404
    )
    assert login(world.outsider).get("/observatoire/conseil/abc/").status_code == 404
    assert login(world.outsider).get("/observatoire/region/28/").status_code == 404


def test_indicator_without_figures_is_404(world, login) -> None:  # type: ignore[no-untyped-def]
    response = login(world.reader).get(f"/observatoire/commune/76217/{world.indicator.pk}/")
    assert response.status_code == 404


def test_queries_do_not_grow_with_the_number_of_communes(world, login, settings) -> None:  # type: ignore[no-untyped-def]
    # The computation's queries (cached, a page does fewer: test_cache.py).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    client = login(world.reader)
    pages = [
        "/observatoire/epci/200023414/",
        f"/observatoire/epci/200023414/{world.indicator.pk}/",
        "/observatoire/epci/200023414/csv/",
    ]

    def counts() -> list[int]:
        result = []
        for url in pages:
            reset_queries()  # the query log is also emptied when a request starts
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    before = counts()
    rouen = Commune.objects.get(code="76540")
    for number in range(20):
        commune = make_commune(
            f"769{number:02d}", f"Commune {number}", rouen.departement, rouen.epci, 1000
        )
        CommuneShape.objects.create(commune=commune, geometry=SQUARE, source="test")
        rewrite_values(
            Edition.objects.get(geo_level="commune"),
            lambda cells, code=commune.code: pl.concat(
                [
                    cells,
                    cells.head(1).with_columns(
                        geo_code=pl.lit(code),
                        year=pl.lit(2023, pl.Int32),
                        indicator=pl.lit(world.indicator.label),
                        state=pl.lit("published"),
                        count=pl.lit(3, pl.Int64),
                        population=pl.lit(1000, pl.Int64),
                        dwellings=pl.lit(None, pl.Int64),
                        rate_per_1000=pl.lit(None, pl.Float64),
                    ),
                ]
            ),
        )
    assert counts() == before


def test_change_and_trend_leave_out_suppressed_years_and_lower_bounds(world, login) -> None:  # type: ignore[no-untyped-def]
    from scipy.stats import binomtest

    client = login(world.reader)
    rouen = client.get(f"/observatoire/commune/76540/{world.indicator.pk}/").content.decode()
    # 100 then 90 for the same population: ratio 0.9, exact test binomial(90 | 190, 1/2).
    p = binomtest(90, 190, 0.5).pvalue
    assert "de 2021 à 2023 : baisse de 10 %" in rouen
    assert f"p = {p:.2f}".replace(".", ",") in rouen
    # Saint-Étienne-du-Rouvray: 2022 suppressed, so only two known years: no trend.
    ser = client.get(f"/observatoire/commune/76575/{world.indicator.pk}/").content.decode()
    assert "tendance non calculable : moins de trois années connues" in ser
    # The EPCI in 2022 is a lower bound (Saint-Étienne-du-Rouvray suppressed): its change is
    # read at constant perimeter, on Rouen alone, the only member published every year.
    epci = client.get(f"/observatoire/epci/200023414/{world.indicator.pk}/").content.decode()
    assert "la seule commune sur 2 dont la valeur est diffusée chaque année" in epci
    assert "de 2021 à 2023 : baisse de 10 %" in epci
    assert "sur 3 années" in epci  # the trend uses Rouen's three years


def test_funnel_places_the_territory_and_its_communes_among_all_communes(world, login) -> None:  # type: ignore[no-untyped-def]
    from scipy.stats import poisson

    # 2023 around France's rate, from the two départements' files: 1,600 / 1,850,000.
    # Rouen 90 / 100,000 expects 86.5: inside; the EPCI 90 / 130,000 expects 112.4: below the
    # 95 % limit, not the 99.8 % one; Saint-Étienne-du-Rouvray 0 / 30,000 expects 25.9.
    target = 1_600 / 1_850_000
    rouen, epci, ser = target * 100_000, target * 130_000, target * 30_000
    assert poisson.ppf(0.025, rouen) < 90 < poisson.ppf(0.975, rouen)
    assert poisson.ppf(0.001, epci) < 90 < poisson.ppf(0.025, epci) - 1
    assert poisson.ppf(0.001, ser) > 0
    client = login(world.reader)
    commune = client.get(f"/observatoire/commune/76540/{world.indicator.pk}/").content.decode()
    assert "Rouen est dans l&#x27;entonnoir</strong> autour du taux de la France (0,86" in commune
    epci_page = client.get(f"/observatoire/epci/200023414/{world.indicator.pk}/")
    html = epci_page.content.decode()
    assert "Métropole Rouen Normandie est en dessous de la limite à 95 %" in html
    # Its members keep their own flags: Saint-Étienne-du-Rouvray's 0 is far below.
    assert "en dessous de la limite à 99,8 %" in html
    assert epci_page.context["funnel"]["target"] == pytest.approx(target * 1000)


def test_the_funnel_falls_back_to_the_pooled_rate_without_departement_files(world, login) -> None:  # type: ignore[no-untyped-def]
    from stspd.observatory.models import SeriesBlock

    SeriesBlock.objects.filter(geo_level="departement").delete()
    response = login(world.reader).get(f"/observatoire/epci/200023414/{world.indicator.pk}/")
    # 2023: 90 + 0 facts for 130,000 inhabitants, both communes published.
    assert response.context["funnel"]["target"] == pytest.approx(90 / 130_000 * 1000)
    assert "autour du taux de l'ensemble des communes diffusées" in response.content.decode()


def test_similar_communes_pool_only_their_known_values(world, login) -> None:  # type: ignore[no-untyped-def]
    response = login(world.reader).get(f"/observatoire/commune/76540/{world.indicator.pk}/")
    html = response.content.decode()
    # Rouen's similar communes are chosen among those with values: Saint-Étienne-du-Rouvray,
    # which has figures: 30 / 30,000 in 2021, suppressed in 2022 (no reference, not 0), 0 in 2023.
    assert chart(response)["similar"] == [1.0, None, 0.0]
    assert "Saint-Étienne-du-Rouvray (76575)" in html
    assert "communes comparables à Rouen" in html


def test_an_epci_has_no_similar_communes_line(world, login) -> None:  # type: ignore[no-untyped-def]
    response = login(world.reader).get(f"/observatoire/epci/200023414/{world.indicator.pk}/")
    assert chart(response)["similar"] == [None, None, None]


def test_the_funnel_of_drug_suspects_keeps_the_communes_pooled_rate(world, login) -> None:  # type: ignore[no-untyped-def]
    # France's drug suspects are summed over départements (a person may count twice), the
    # communes' once per commune: not the same basis, so no France target for them.
    from stspd.observatory.models import Indicator

    Indicator.objects.filter(pk=world.indicator.pk).update(unit="mis en cause")
    response = login(world.reader).get(f"/observatoire/epci/200023414/{world.indicator.pk}/")
    assert response.context["funnel"]["target"] == pytest.approx(90 / 130_000 * 1000)
    assert response.context["funnel"]["target_is_france"] is False


def test_similar_communes_are_chosen_among_communes_with_values(world, login) -> None:  # type: ignore[no-untyped-def]
    """A commune of another département with no stored value is never a comparable commune:
    its column would be empty. Here only Saint-Étienne-du-Rouvray has values besides Rouen."""
    assert Commune.objects.filter(code__in=["76351", "76217"]).count() == 2  # no values
    response = login(world.reader).get(f"/observatoire/commune/76540/{world.indicator.pk}/")
    similar = response.context["similar"]
    assert [c["code"] for c in similar.communes] == ["76575"]
    assert "Le Havre (76351)" not in response.content.decode()


def test_a_commune_alone_with_values_says_why_it_has_no_comparable_commune(world, login) -> None:  # type: ignore[no-untyped-def]
    communal = Edition.objects.get(geo_level="commune")
    rewrite_values(communal, lambda cells: cells.filter(pl.col("geo_code") == "76540"))
    response = login(world.reader).get(f"/observatoire/commune/76540/{world.indicator.pk}/")
    html = response.content.decode()
    assert "Pas de communes comparables : aucune autre commune n&#x27;a de valeur" in html
    assert chart(response)["similar"] == [None, None, None]


def test_a_rate_per_dwelling_without_dwellings_says_so_not_an_empty_chart(world, login) -> None:  # type: ignore[no-untyped-def]
    from stspd.observatory.models import Indicator

    Indicator.objects.filter(pk=world.indicator.pk).update(denominator_kind="dwellings")
    response = login(world.reader).get(f"/observatoire/commune/76540/{world.indicator.pk}/")
    html = response.content.decode()
    assert "Taux non calculable : nombre de logements absent du fichier" in html
    assert 'id="chart-data"' not in html and "data-observatory-chart" not in html
    assert "<td>100</td>" in html or ">100<" in html  # the counts stay in the table


def test_the_funnel_shows_the_overdispersion_factor(world, login) -> None:  # type: ignore[no-untyped-def]
    """30 more communes of 10,000 inhabitants in 2023 with 2 and 20 facts in turn (8.65
    expected at France's rate): far more spread than Poisson. The factor shown is recomputed
    here from 10 %-winsorised z-scores (Spiegelhalter 2005); ?limites=poisson keeps the pure
    Poisson limits."""
    from scipy.stats.mstats import winsorize

    extra_counts = [2, 20] * 15

    def add(cells: pl.DataFrame) -> pl.DataFrame:
        template = cells.filter((pl.col("geo_code") == "76540") & (pl.col("year") == 2023))
        extra = [
            template.with_columns(
                geo_code=pl.lit(f"76{900 + i}"),
                count=pl.lit(count, pl.Int64),
                population=pl.lit(10_000, pl.Int64),
            )
            for i, count in enumerate(extra_counts)
        ]
        return pl.concat([cells, *extra])

    rewrite_values(Edition.objects.get(geo_level="commune"), add)
    target = 1_600 / 1_850_000
    counts = np.array([90.0, 0.0, *extra_counts])
    expected = target * np.array([100_000.0, 30_000.0] + [10_000.0] * 30)
    z = (counts - expected) / np.sqrt(expected)
    phi = float(np.mean(np.asarray(winsorize(z, limits=(0.1, 0.1))) ** 2))
    assert phi > 3
    client = login(world.reader)
    response = client.get(f"/observatoire/commune/76540/{world.indicator.pk}/")
    od = response.context["funnel"]["overdispersion"]
    assert od["applied"] and od["n_units"] == 32
    assert od["phi"] == pytest.approx(phi, rel=1e-12)
    html = response.content.decode()
    shown = f"{phi:.1f}".replace(".", ",")
    assert f"facteur de surdispersion estimé {shown} (sur 32 communes" in html
    assert "Voir les limites de Poisson seules" in html
    plain = client.get(f"/observatoire/commune/76540/{world.indicator.pk}/?limites=poisson")
    assert plain.context["funnel"]["overdispersion"]["applied"] is False
    assert "sans facteur de surdispersion" in plain.content.decode()
    # The inflated 95 % upper limit at 10,000 inhabitants, by hand from the Poisson one.
    from crimestats.funnel import poisson_limit

    lam = target * 10_000
    high = lam + np.sqrt(phi) * (float(poisson_limit(0.975, [lam])[0]) - lam)
    curve = response.context["funnel"]["curve"]
    i = curve["denominators"].index(10_000.0)
    assert curve["upper95"][i] == pytest.approx(high / 10_000 * 1000, abs=1e-4)


def test_the_funnel_says_why_it_keeps_poisson_limits(world, login) -> None:  # type: ignore[no-untyped-def]
    html = login(world.reader).get(f"/observatoire/commune/76540/{world.indicator.pk}/")
    assert (
        "surdispersion non estimée : 2 communes avec des faits attendus, il en faut au moins 20"
        in html.content.decode()
    )
