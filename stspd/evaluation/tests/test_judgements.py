"""The change since the baseline and the counterfactual, on stored figures with known answers."""

import datetime
import statistics
from decimal import Decimal

import pytest
from django.utils import timezone

from crimestats.change import poisson_change
from stspd.conftest import World
from stspd.evaluation.judgements import (
    council_members,
    judge_indicators,
    measurements_of,
    observatory_change,
    reported_change,
)
from stspd.indicators.enums import IndicatorKind
from stspd.indicators.models import IndicatorDefinition
from stspd.observatory.figures import load_values
from stspd.steering.enums import MeasurementStatus
from stspd.steering.models import Measurement
from stspd.strategy.models import ObjectiveIndicator

from .conftest import ROUEN_POPULATION, SHAPE, YEARS, Panel, donor_level, make_panel, rouen_rates


def judge(world: World) -> list:  # type: ignore[type-arg]
    uses = list(
        ObjectiveIndicator.objects.filter(objective=world.objective).select_related(
            "definition__observatory_indicator", "commune", "intervention_start"
        )
    )
    return judge_indicators(
        world.strategy, uses, council_members(world.strategy), measurements_of(uses)
    )


def test_observatory_change_of_a_commune_is_the_exact_poisson_test(world: World) -> None:
    """Rouen: 100 facts in 2021, 90 in 2023, for 100,000 inhabitants each year."""
    frame = load_values("commune", ["76540"], indicator=world.indicator)
    change = observatory_change(frame, ["76540"], 2021)
    expected = poisson_change([100], [100_000], [90], [100_000])
    assert change.before == "1,00 (100 faits)" and change.after == "0,90 (90 faits)"
    assert change.sentence.startswith("de 2021 à 2023 : baisse de 10 %")
    assert f"p = {float(expected.p_value[0]):.2f}".replace(".", ",") in change.sentence
    assert change.significant is False and change.interval
    # 100 facts the baseline year: a drop is seen 4 times out of 5 from 36.6 % on
    # (crimestats/tests/test_power.py checks that power by brute force).
    assert change.detectable == "cette évaluation ne pouvait détecter qu'une baisse d'au moins 37 %"


def test_a_suppressed_year_is_never_read_as_zero(world: World) -> None:
    """Saint-Étienne-du-Rouvray is suppressed in 2022: no change from 2022."""
    frame = load_values("commune", ["76575"], indicator=world.indicator)
    change = observatory_change(frame, ["76575"], 2022)
    assert change.sentence == (
        "évolution non calculable : valeur soumise au secret statistique en 2022"
    )
    assert change.significant is None


def test_the_whole_territory_is_read_at_constant_perimeter(world: World) -> None:
    """Both communes are known in 2021 and 2023 (30 -> 0 in Saint-Étienne): the total; in 2022
    Saint-Étienne is suppressed, so from 2022 only Rouen counts, and the page says so."""
    codes = ["76540", "76575"]
    frame = load_values("commune", codes, indicator=world.indicator)
    total = observatory_change(frame, codes, 2021)
    assert total.before == "1,00 (130 faits)" and total.perimeter == ""
    partial = observatory_change(frame, codes, 2022)
    assert partial.before == "1,20 (120 faits)"
    assert partial.perimeter.startswith("à périmètre constant : 1 communes sur 2")


def test_no_value_after_the_baseline_says_so(world: World) -> None:
    frame = load_values("commune", ["76540"], indicator=world.indicator)
    change = observatory_change(frame, ["76540"], 2023)
    assert change.sentence == (
        "pas encore de valeur postérieure à l'année de référence 2023 (dernière année publiée : "
        "2023)"
    )


def reported_use(world: World) -> ObjectiveIndicator:
    definition = IndicatorDefinition.objects.create(
        council=world.council,
        name="Victimes accompagnées",
        kind=IndicatorKind.RESULT,
        unit="victimes",
    )
    return ObjectiveIndicator.objects.create(
        objective=world.objective,
        definition=definition,
        baseline_value=Decimal("400"),
        baseline_on=world.strategy.starts_on,
        target_value=Decimal("500"),
        deadline=world.strategy.ends_on,
        direction="increase",
    )


def measure(use: ObjectiveIndicator, year: int, value: str | None, status: str) -> Measurement:
    return Measurement.objects.create(
        objective_indicator=use,
        period_start=datetime.date(year, 1, 1),
        state="suppressed" if value is None else "published",
        value=None if value is None else Decimal(value),
        status=status,
        submitted_at=timezone.now(),
    )


def test_reported_change_is_a_difference_without_invented_interval(world: World) -> None:
    """400 at the baseline, 450 validated for 2026 (a later 900 only submitted is not used)."""
    use = reported_use(world)
    measure(use, 2026, "450", MeasurementStatus.VALIDATED)
    measure(use, 2027, "900", MeasurementStatus.SUBMITTED)
    change = reported_change(use, list(use.measurements.all()))
    assert change.before == "400" and change.after == "450" and change.after_label == "2026"
    assert change.sentence.startswith(
        "hausse de 50 victimes (+12 %) entre la valeur de référence et la dernière valeur "
        "validée (2026)"
    )
    assert "sans intervalle de confiance" in change.sentence
    assert change.significant is None and not change.interval


def test_reported_change_of_a_value_not_communicated(world: World) -> None:
    use = reported_use(world)
    measure(use, 2026, None, MeasurementStatus.VALIDATED)
    change = reported_change(use, list(use.measurements.all()))
    assert change.sentence == "dernière valeur (2026) non communiquée : évolution non calculable"


def test_counterfactual_finds_a_known_drop(world: World, panel: Panel) -> None:
    """Rouen follows the mean of two comparable communes until 2020, then 30 % below: both
    methods find a significant drop beyond the comparison, the synthetic commune has their
    level, and the placebo p-value is 1 / 25 (the smallest possible)."""
    (judgement,) = [j for j in judge(world) if j.use == panel.use]
    cf = judgement.counterfactual
    assert cf is not None and cf.reason == ""
    assert cf.pre_years == [2016, 2017, 2018, 2019, 2020]
    assert cf.post_years == [2021, 2022, 2023]
    assert cf.n_donors == 24 and cf.n_usable == 24 and cf.n_controls == 20
    assert cf.did_ratio == pytest.approx(0.7, abs=0.01)
    assert cf.did_p_value is not None and cf.did_p_value < 0.001
    assert cf.p_value == pytest.approx(1 / 25)
    # Every donor has the same shape, so several mixes fit: each has the level of the mean of
    # the two communes Rouen was built from.
    level = sum(weight * donor_level(int(name[-2:])) for name, weight in cf.donors)
    assert level == pytest.approx((donor_level(3) + donor_level(4)) / 2, abs=0.02)
    assert sum(weight for _, weight in cf.donors) == pytest.approx(1, abs=0.01)
    assert cf.pre_rmspe is not None and cf.pre_rmspe < 0.02
    expected = rouen_rates()
    assert cf.treated[-1] == pytest.approx(expected[-1], abs=0.01)
    assert cf.conclusion == (
        "La baisse est significative et plus marquée que dans les communes comparables (les "
        "deux méthodes concordent)."
    )
    # Donors on one shape: the placebos barely move, small effects would have been seen.
    for sentence in (cf.did_detectable, cf.sc_detectable):
        assert sentence.startswith("cette évaluation ne pouvait détecter qu'une baisse d'au moins")


def test_counterfactual_without_effect_is_not_distinguishable(world: World) -> None:
    panel = make_panel(world, rouen=list(rouen_rates(effect=1.0)))
    (judgement,) = [j for j in judge(world) if j.use == panel.use]
    cf = judgement.counterfactual
    assert cf is not None
    assert "n'est pas distinguable de celle des communes comparables" in cf.conclusion
    assert cf.p_value is not None and cf.p_value > 0.2


def test_a_suppressed_donor_year_leaves_the_donor_out_of_the_synthetic_control(
    world: World,
) -> None:
    panel = make_panel(world, suppressed={("76700", 2018)})
    (judgement,) = [j for j in judge(world) if j.use == panel.use]
    cf = judgement.counterfactual
    assert cf is not None and cf.n_usable == 23 and cf.p_value == pytest.approx(1 / 24)


def test_a_suppressed_year_of_the_commune_prevents_the_synthetic_control(world: World) -> None:
    """The difference-in-differences leaves the cell out; the synthetic control needs the
    whole series and says why it is not drawn."""
    rates: list[float | None] = list(rouen_rates())
    rates[2] = None
    panel = make_panel(world, rouen=rates)
    (judgement,) = [j for j in judge(world) if j.use == panel.use]
    cf = judgement.counterfactual
    assert cf is not None
    assert cf.sc_reason.startswith(
        "la série de la commune est soumise au secret statistique en 2018"
    )
    assert cf.synthetic == [] and cf.treated[2] is None
    assert "la baisse est significative" in cf.did_sentence


def test_without_post_years_the_comparison_waits_for_the_next_edition(world: World) -> None:
    """No intervention start set: the strategy's first year, 2026, after the last data."""
    panel = make_panel(world, start=None)
    (judgement,) = [j for j in judge(world) if j.use == panel.use]
    cf = judgement.counterfactual
    assert cf is not None and not cf.available
    assert cf.reason.startswith(
        "aucune année publiée depuis le début de l'intervention en 2026 (dernière année "
        "disponible : 2023)"
    )


def test_too_few_years_before_the_start(world: World) -> None:
    panel = make_panel(world, start=2018)
    (judgement,) = [j for j in judge(world) if j.use == panel.use]
    cf = judgement.counterfactual
    assert cf is not None
    assert cf.reason.startswith("trop peu d'années avant le début de l'intervention en 2018 (2 ;")


def test_a_territory_wide_indicator_of_an_epci_has_no_counterfactual(world: World) -> None:
    """The world's own objective indicator is on the whole EPCI."""
    (judgement,) = judge(world)
    assert judgement.counterfactual is None
    assert "commune par commune" in judgement.counterfactual_note


# -- Words that match the numbers: the conclusion for each case ------------------------------


@pytest.mark.parametrize(
    ("did", "sc", "expected"),
    [
        (
            "figures : la baisse est significative et plus marquée que dans les communes "
            "comparables",
            "figures : la baisse est significative et plus marquée que dans les communes "
            "comparables (une seule commune porte tout le poids (X, 100 %), la commune "
            "synthétique est cette commune seule)",
            "La baisse est significative et plus marquée que dans les communes comparables (les "
            "deux méthodes concordent).",
        ),
        (
            "figures : la baisse n'est pas distinguable de celle des communes comparables",
            "figures : la baisse est significative et plus marquée que dans les communes "
            "comparables",
            "Les deux méthodes ne concordent pas : différence de différences, « la baisse n'est "
            "pas distinguable de celle des communes comparables » ; contrôle synthétique, « la "
            "baisse est significative et plus marquée que dans les communes comparables ». "
            "Conclusion prudente : l'effet n'est pas établi.",
        ),
        (
            "figures : la baisse est significative et plus marquée que dans les communes "
            "comparables",
            "figures : non concluant (3 communes témoins seulement, ...)",
            "La baisse est significative et plus marquée que dans les communes comparables (une "
            "seule méthode concluante, l'autre est non concluante : résultat à confirmer).",
        ),
        (
            "figures : non concluant (niveaux trop différents, ...)",
            "figures : non concluant (3 communes témoins seulement, ...)",
            "Non concluant : les conditions des méthodes ne sont pas réunies (voir ci-dessous) ; "
            "cela ne veut pas dire que l'action n'a pas eu d'effet.",
        ),
        ("", "", ""),
    ],
)
def test_the_conclusion_says_what_each_case_allows(did: str, sc: str, expected: str) -> None:
    from stspd.evaluation.judgements import _conclusion

    text = _conclusion(did, sc)
    assert text == expected
    assert "aucun effet" not in text


def test_a_lower_bound_never_feeds_the_readiness_check(world: World) -> None:
    """Saint-Étienne-du-Rouvray's 2023 value stored as a lower bound ("au moins" 0, a commune
    merged into it suppressed): the council's 2023 total is not exact, so no detectable
    effect is computed from it, and no warning is given on a figure that is not known."""
    import polars as pl

    from stspd.conftest import rewrite_values
    from stspd.observatory.models import Edition
    from stspd.strategy.readiness import measurability_warnings

    assert measurability_warnings(world.strategy)  # exact values: a warning
    lower = (pl.col("geo_code") == "76575") & (pl.col("year") == 2023)
    rewrite_values(
        Edition.objects.get(geo_level="commune"),
        lambda cells: cells.with_columns(
            state=pl.when(lower).then(pl.lit("lower_bound")).otherwise("state")
        ),
    )
    assert measurability_warnings(world.strategy) == []


def test_a_series_varying_beyond_chance_is_tested_with_its_variation(
    world: World, panel: Panel
) -> None:
    """Rouen's 8 years of the panel swing with the shape (0.8 to 1.1) far beyond Poisson
    chance: the dispersion of its yearly counts around their trend (statsmodels' Poisson GLM,
    Pearson chi-square / 6 df) widens the test of 2020 -> 2023, a quasi-Poisson t on 6 df."""
    import math

    import numpy as np
    import statsmodels.api as sm
    from scipy.stats import t as student

    from .conftest import ROUEN_POPULATION, YEARS

    frame = load_values("commune", ["76540"], indicator=panel.indicator)
    counts = [round(r * ROUEN_POPULATION / 1000) for r in rouen_rates()]
    x = sm.add_constant(np.array(YEARS, dtype=float) - np.mean(YEARS))
    glm = sm.GLM(
        counts, x, family=sm.families.Poisson(), offset=np.log([ROUEN_POPULATION] * 8)
    ).fit()
    phi = float(glm.pearson_chi2 / 6)
    assert phi > 2
    change = observatory_change(frame, ["76540"], 2020)
    shown = f"{phi:.1f}".replace(".", ",")
    assert change.variation == (
        f"la série varie d'une année sur l'autre plus que le seul hasard (facteur {shown} "
        "estimé sur 8 années) : l'intervalle et le test en tiennent compte"
    )
    k0, k1 = counts[YEARS.index(2020)], counts[-1]
    t = abs(math.log(k1 / k0)) / math.sqrt(phi * (1 / k0 + 1 / k1))
    p = 2 * student.sf(t, 6)
    assert f"p = {p:.2f}".replace(".", ",") in change.sentence or p < 0.001


def test_the_donor_pool_uses_context_and_shows_its_balance(world: World, panel: Panel) -> None:
    """Rouen at 23 % of poverty; of its 24 candidate communes (all of one size class), the
    even ones are poor (24 %), the odd ones not (8 %). The 20 comparison communes are chosen on
    context too: all 12 poor ones come first, and the balance table says it: the candidates'
    mean is that of the 24 values (computed here), the chosen ones' is closer to Rouen."""
    from stspd.context.models import ContextEdition, ContextValue

    edition = ContextEdition.objects.create(
        kind="filosofi",
        edition="2021",
        source_name="filosofi-test.csv",
        geography_year=2024,
        sha256="f" * 64,
        imported_at=timezone.now(),
    )
    poverty = {"76540": 23.0} | {
        donor.code: 24.0 if j % 2 == 0 else 8.0 for j, donor in enumerate(panel.donors)
    }
    ContextValue.objects.bulk_create(
        ContextValue(
            edition=edition,
            indicator="poverty_rate",
            geo_level="commune",
            code=code,
            period="2021",
            value=value,
            unit="%",
            state="published",
        )
        for code, value in poverty.items()
    )
    (judgement,) = [j for j in judge(world) if j.use == panel.use]
    cf = judgement.counterfactual
    assert cf is not None and cf.available and len(cf.controls) == 20
    poor = {donor.name for j, donor in enumerate(panel.donors) if j % 2 == 0}
    assert set(cf.controls[:12]) == poor
    row = next(r for r in cf.balance if r.variable == "poverty_rate")
    candidates = [v for code, v in poverty.items() if code != "76540"]
    spread = statistics.stdev(candidates)
    assert row.commune == 23.0
    assert row.before == pytest.approx(statistics.mean(candidates))
    assert row.difference_before == pytest.approx((statistics.mean(candidates) - 23) / spread)
    chosen = 12 * [24.0] + 8 * [8.0]
    assert row.after == pytest.approx(statistics.mean(chosen))
    assert abs(row.difference_after) < abs(row.difference_before)
    # By hand: the 24 candidates' standard deviation is sqrt(24 x 8² / 23) = 8.17; (16 - 23) /
    # 8.17 = -0.86 before, (17.6 - 23) / 8.17 = -0.66 after.
    assert ("taux de pauvreté (%)", "23,0", "16,0", "-0,86", "17,6", "-0,66") in cf.balance_rows
    # Sources not imported have no row; the population is compared on a log scale.
    assert [r.variable for r in cf.balance] == ["population", "poverty_rate"]


def test_a_commune_whose_facts_double_gets_a_detectable_increase(world: World) -> None:
    """Rouen has about 30 facts a year following the comparable communes' shape until 2021,
    then 1.98 times as many in 2022-2023 (6 years before, 2 after): the variance of the log
    ratio already holds the doubled facts, so the detectable increase is computed (it used to
    take a negative variance's square root and crash the page)."""
    base = 30 * 1000 / ROUEN_POPULATION
    rouen: list[float | None] = [
        base * f * (1.98 if year >= 2022 else 1.0) for year, f in zip(YEARS, SHAPE, strict=True)
    ]
    panel = make_panel(world, rouen=rouen, start=2022)
    (judgement,) = [j for j in judge(world) if j.use == panel.use]
    cf = judgement.counterfactual
    assert cf is not None and cf.pre_years == [2016, 2017, 2018, 2019, 2020, 2021]
    assert cf.did_ratio == pytest.approx(1.98, abs=0.02)
    assert cf.did_detectable.startswith(
        "cette évaluation ne pouvait détecter qu'une hausse d'au moins"
    )
