"""Calibration against Calmar's weights (R package icarus) and the calibration equations."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import numpy as np
import pytest

from crimestats.survey.calibration import (
    CalibrationError,
    CategoricalMargin,
    NumericTotal,
    calibrate,
)
from crimestats.survey.design import DesignError, one_stage_cluster, simple_random, stratified

DATA = Path(__file__).parent / "data" / "survey"


def _csv(name: str) -> list[dict[str, str]]:
    path = DATA / name
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
        return list(csv.DictReader(handle))


def _all_equal(current: np.ndarray, target: np.ndarray) -> float:
    """R's ``all.equal`` mean relative difference (testthat's ``tolerance``)."""
    return float(np.mean(np.abs(target - current)) / np.mean(np.abs(target)))


# -- the 15 employees of icarus (data_ex2, weights of SAS Calmar2 rounded to 4 decimals) --

EX2 = _csv("icarus_data_ex2.csv")
EX2_WEIGHTS = _csv("icarus_calWeights_ex2.csv")


def _ex2_margins() -> list[CategoricalMargin | NumericTotal]:
    return [
        CategoricalMargin("categ", [r["categ"] for r in EX2], {"1": 80, "2": 90, "3": 60}),
        CategoricalMargin("sexe", [r["sexe"] for r in EX2], {"1": 140, "2": 90}),
        CategoricalMargin("service", [r["service"] for r in EX2], {"1": 100, "2": 130}),
        NumericTotal("salaire", [float(r["salaire"]) for r in EX2], 470000),
    ]


EX2_D = np.array([float(r["poids"]) for r in EX2])


@pytest.mark.parametrize(
    ("method", "bounds", "column", "cinema_mean"),
    [
        ("linear", None, "wLinear", 2.93),
        ("raking", None, "wRaking", 3.22),
        ("logit", (0.4, 2.2), "wLogit", 3.14),
    ],
)
def test_icarus_small_example_equals_calmar(
    method: str, bounds: tuple[float, float] | None, column: str, cinema_mean: float
) -> None:
    assert [r["id"] for r in EX2] == [r["id"] for r in EX2_WEIGHTS]
    expected = np.array([float(r[column]) for r in EX2_WEIGHTS])
    result = calibrate(EX2_D, _ex2_margins(), method=method, bounds=bounds)  # type: ignore[arg-type]
    # icarus' own test: expect_equal(..., tolerance = 1e-5), a mean relative difference
    assert _all_equal(result.weights, expected) < 1e-5
    # and each weight within the CSV's rounding (half a unit of the 4th decimal)
    assert np.max(np.abs(result.weights - expected)) <= 5e-5 + 1e-9
    cinema = np.array([float(r["cinema"]) for r in EX2])
    assert np.sum(result.weights * cinema) / np.sum(result.weights) == pytest.approx(
        cinema_mean, abs=1e-2
    )


def test_icarus_linear_weight_can_be_negative_and_logit_stays_in_bounds() -> None:
    linear = calibrate(EX2_D, _ex2_margins(), method="linear")
    assert linear.weights[5] == pytest.approx(-0.7084, abs=5e-5)  # unit a06, as Calmar
    logit = calibrate(EX2_D, _ex2_margins(), method="logit", bounds=(0.4, 2.2))
    assert np.all(logit.g >= 0.4) and np.all(logit.g <= 2.2)


@pytest.mark.parametrize("method", ["linear", "raking", "logit"])
def test_icarus_margins_not_summing_to_the_population_total_are_refused(method: str) -> None:
    # icarus: popTotal = 300 while the margins sum to 230 -> "no convergence"
    with pytest.raises(CalibrationError) as caught:
        calibrate(
            EX2_D,
            _ex2_margins(),
            method=method,  # type: ignore[arg-type]
            bounds=(0.5, 1.5) if method == "logit" else None,
            population_total=300,
        )
    assert str(caught.value) == (
        "Les marges ne portent pas sur la même population : la marge « categ » totalise 230, "
        "la marge « population totale » 300."
    )
    assert caught.value.margin == "categ"


def test_icarus_logit_bounds_too_tight_do_not_converge() -> None:
    # icarus: logit with bounds (0.6, 2.0) -> "no convergence"
    with pytest.raises(CalibrationError) as caught:
        calibrate(EX2_D, _ex2_margins(), method="logit", bounds=(0.6, 2.0))
    message = str(caught.value)
    assert message.startswith("Le calage n'a pas convergé dans les bornes [0,6 ; 2] : la marge « ")
    assert caught.value.margin in {"categ", "sexe", "service", "salaire"}
    assert f"la marge « {caught.value.margin} »" in message


# -- icarus' generated population: 1,000 sampled units, 2 categorical and 9 numeric margins --


def _poptest() -> tuple[np.ndarray, list[CategoricalMargin | NumericTotal], list[dict[str, str]]]:
    rows = _csv("icarus_dataPop_sample1000.csv.gz")
    margins: list[CategoricalMargin | NumericTotal] = []
    numeric: list[CategoricalMargin | NumericTotal] = []
    for spec in _csv("icarus_table_margins_1.csv"):
        name, k = spec["var"], int(spec["n"])
        if k == 0:
            numeric.append(NumericTotal(name, [float(r[name]) for r in rows], float(spec["mar1"])))
        else:
            totals = {str(i): float(spec[f"mar{i}"]) for i in range(1, k + 1)}
            margins.append(CategoricalMargin(name, [r[name] for r in rows], totals))
    return np.array([float(r["weight"]) for r in rows]), margins + numeric, rows


@pytest.mark.parametrize(
    ("method", "bounds", "column"),
    [
        ("linear", None, "weight_cal_lin"),
        ("raking", None, "weight_cal_raking"),
        ("logit", (0.2, 1.3), "weight_cal_logit"),
    ],
)
def test_icarus_population_test_equals_calmar(
    method: str, bounds: tuple[float, float] | None, column: str
) -> None:
    d, margins, rows = _poptest()
    expected_by_id = {r["ident"]: float(r[column]) for r in _csv("icarus_poptest_calmar.csv.gz")}
    expected = np.array([expected_by_id[r["ident"]] for r in rows])
    result = calibrate(d, margins, method=method, bounds=bounds)  # type: ignore[arg-type]
    # icarus' tolerance is 1e-6 (mean relative); Calmar's weights are given to 9 significant
    # digits and every one is matched to 1e-8 relative
    assert _all_equal(result.weights, expected) < 1e-6
    assert np.max(np.abs(result.weights / expected - 1)) < 1e-8


@pytest.mark.parametrize(
    ("method", "bounds", "column"),
    [
        ("linear", None, "weight_cal_lin"),
        ("raking", None, "weight_cal_raking"),
        ("logit", (0.1, 2.0), "weight_cal_logit"),
    ],
)
def test_icarus_respondents_equal_calmar(
    method: str, bounds: tuple[float, float] | None, column: str
) -> None:
    # the 718 respondents (responding == 1), design weights first scaled to the population
    # total (icarus' scale = TRUE), as a survey with non-response is weighted
    d, margins, rows = _poptest()
    kept = np.array([r["responding"] == "1" for r in rows])
    assert kept.sum() == 718
    respondents: list[CategoricalMargin | NumericTotal] = []
    for margin in margins:
        sample = [v for v, k in zip(margin.sample, kept, strict=True) if k]  # type: ignore[call-overload]
        if isinstance(margin, CategoricalMargin):
            respondents.append(CategoricalMargin(margin.name, sample, margin.totals))
        else:
            respondents.append(NumericTotal(margin.name, sample, margin.total))
    scaled = d[kept] * 50000 / d[kept].sum()
    expected_by_id = {r["ident"]: float(r[column]) for r in _csv("icarus_poptest_calmar_nr.csv.gz")}
    expected = np.array([expected_by_id[r["ident"]] for r, k in zip(rows, kept, strict=True) if k])
    result = calibrate(scaled, respondents, method=method, bounds=bounds)  # type: ignore[arg-type]
    assert _all_equal(result.weights, expected) < 1e-6
    assert np.max(np.abs(result.weights / expected - 1)) < 1e-8


def test_icarus_population_total_51000_is_refused() -> None:
    d, margins, _ = _poptest()
    with pytest.raises(CalibrationError, match="ne portent pas sur la même population"):
        calibrate(d, margins, method="raking", population_total=51000)


# -- the calibration equations and an independent iterative proportional fitting --


def _random_sample(seed: int, n: int = 400) -> tuple[np.ndarray, list[CategoricalMargin]]:
    rng = np.random.default_rng(seed)
    age = rng.choice(["15-29", "30-44", "45-59", "60-74", "75+"], n, p=[0.1, 0.2, 0.3, 0.25, 0.15])
    sex = rng.choice(["F", "H"], n, p=[0.6, 0.4])
    area = rng.choice(["A", "B", "C"], n)
    d = rng.uniform(20, 60, n)
    margins = [
        CategoricalMargin(
            "âge",
            list(age),
            {"15-29": 2400, "30-44": 2500, "45-59": 2600, "60-74": 1700, "75+": 800},
        ),
        CategoricalMargin("sexe", list(sex), {"F": 5200, "H": 4800}),
        CategoricalMargin("quartier", list(area), {"A": 5000, "B": 3000, "C": 2000}),
    ]
    return d, margins


def _ipf(d: np.ndarray, margins: list[CategoricalMargin], sweeps: int = 2000) -> np.ndarray:
    """Textbook iterative proportional fitting (Deming and Stephan 1940)."""
    w = d.copy()
    for _ in range(sweeps):
        for margin in margins:
            values = np.array(margin.sample)
            for category, total in margin.totals.items():
                cell = values == category
                w[cell] *= total / w[cell].sum()
    return w


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_raking_equals_iterative_proportional_fitting(seed: int) -> None:
    d, margins = _random_sample(seed)
    result = calibrate(d, margins, method="raking")
    np.testing.assert_allclose(result.weights, _ipf(d, margins), rtol=1e-9)


@pytest.mark.parametrize(
    ("method", "bounds"), [("linear", None), ("raking", None), ("logit", (0.3, 3.0))]
)
def test_every_margin_category_is_reproduced(
    method: str, bounds: tuple[float, float] | None
) -> None:
    d, margins = _random_sample(7)
    result = calibrate(d, margins, method=method, bounds=bounds)  # type: ignore[arg-type]
    for margin in margins:
        values = np.array(margin.sample)
        for category, total in margin.totals.items():
            assert result.weights[values == category].sum() == pytest.approx(total, rel=1e-10)
    if bounds is not None:
        assert np.all((result.g >= bounds[0]) & (result.g <= bounds[1]))


def test_linear_weights_are_the_closed_form_greg() -> None:
    # w = d (1 + x' lambda), lambda = (X' D X)^-1 (T - X' d): one linear system, no iteration
    d, margins = _random_sample(11)
    result = calibrate(d, margins, method="linear")
    x, t = result.model_matrix, result.targets
    lam = np.linalg.solve(x.T @ (d[:, None] * x), t - x.T @ d)
    np.testing.assert_allclose(result.weights, d * (1 + x @ lam), rtol=1e-10)


# -- bad input: a French message naming the margin and the category --


def test_sample_category_absent_from_the_margins() -> None:
    d, margins = _random_sample(1, 50)
    sample = list(margins[1].sample)
    sample[3] = "NSP"
    sample[8] = "NSP"
    margins[1] = CategoricalMargin("sexe", sample, margins[1].totals)
    with pytest.raises(CalibrationError) as caught:
        calibrate(d, margins)
    assert str(caught.value) == (
        "La catégorie « NSP » de la variable « sexe » figure dans l'échantillon (2 réponses) mais "
        "pas dans les marges de population."
    )
    assert (caught.value.margin, caught.value.category) == ("sexe", "NSP")


def test_margin_category_without_any_answer_is_an_empty_cell() -> None:
    d, margins = _random_sample(1, 50)
    ages = ["30-44" if a == "75+" else a for a in margins[0].sample]
    margins[0] = CategoricalMargin("âge", ages, margins[0].totals)
    with pytest.raises(CalibrationError) as caught:
        calibrate(d, margins)
    assert str(caught.value) == (
        "La catégorie « 75+ » de la marge « âge » n'a aucune réponse dans l'échantillon (cellule "
        "vide) : regroupez-la avec une catégorie voisine."
    )
    assert (caught.value.margin, caught.value.category) == ("âge", "75+")


def test_margins_with_different_totals() -> None:
    d, margins = _random_sample(1, 50)
    margins[2] = CategoricalMargin("quartier", margins[2].sample, {"A": 5000, "B": 3000, "C": 2500})
    with pytest.raises(CalibrationError) as caught:
        calibrate(d, margins)
    assert str(caught.value) == (
        "Les marges ne portent pas sur la même population : la marge « quartier » totalise "
        "10\u202f500, la marge « âge » 10\u202f000."
    )


def test_zero_or_negative_population_count() -> None:
    d, margins = _random_sample(1, 50)
    margins[1] = CategoricalMargin("sexe", margins[1].sample, {"F": 10000, "H": 0})
    with pytest.raises(CalibrationError, match="« H » de la marge « sexe » a un effectif de"):
        calibrate(d, margins)


def test_raking_that_cannot_converge_names_the_margin() -> None:
    # two margins that contradict each other on the same answers: no weights satisfy both
    n = 6
    margins = [
        CategoricalMargin("a", ["x", "x", "x", "y", "y", "y"], {"x": 10, "y": 90}),
        CategoricalMargin("b", ["u", "u", "u", "v", "v", "v"], {"u": 80, "v": 20}),
    ]
    with pytest.raises(CalibrationError) as caught:
        calibrate(np.ones(n), margins, method="raking")
    assert str(caught.value).startswith("Le calage n'a pas convergé : la marge « ")
    assert caught.value.margin in {"a", "b"}


def test_other_bad_inputs() -> None:
    d, margins = _random_sample(1, 50)
    with pytest.raises(CalibrationError, match="bornes L < 1 < U"):
        calibrate(d, margins, method="logit")
    with pytest.raises(CalibrationError, match="bornes L < 1 < U"):
        calibrate(d, margins, method="logit", bounds=(1.0, 2.0))
    with pytest.raises(CalibrationError, match="Méthode de calage inconnue"):
        calibrate(d, margins, method="ipf")  # type: ignore[arg-type]
    with pytest.raises(CalibrationError, match="strictement positifs"):
        calibrate(np.where(np.arange(50) == 4, 0.0, d), margins)
    with pytest.raises(CalibrationError, match="« âge » a 49 valeurs pour 50 réponses"):
        calibrate(d, [CategoricalMargin("âge", margins[0].sample[:49], margins[0].totals)])
    with pytest.raises(CalibrationError, match="« revenu » n'a pas de valeur pour la réponse n° 3"):
        values = np.ones(50)
        values[2] = np.nan
        calibrate(d, [*margins, NumericTotal("revenu", values, 100.0)])
    with pytest.raises(CalibrationError, match="Aucune marge"):
        calibrate(d, [])


# -- design weights --


def test_design_weights() -> None:
    srs = simple_random(200, 6194)
    assert srs.weights == pytest.approx(np.full(200, 30.97))
    assert srs.sampling_fraction.tolist() == [200 / 6194]
    strat = stratified(["E", "E", "H", "M", "M", "M"], {"E": 4421, "H": 755, "M": 1018})
    assert strat.weights.tolist() == [4421 / 2, 4421 / 2, 755.0, 1018 / 3, 1018 / 3, 1018 / 3]
    assert strat.psu.tolist() == [0, 1, 2, 3, 4, 5]
    cluster = one_stage_cluster([637, 637, 716, 716, 716], 757)
    assert cluster.weights.tolist() == [757 / 2] * 5
    assert cluster.psu.tolist() == [0, 0, 1, 1, 1]
    assert cluster.sampling_fraction.tolist() == [2 / 757]


def test_bad_designs() -> None:
    with pytest.raises(DesignError, match="plus petite que l'échantillon"):
        simple_random(10, 5)
    with pytest.raises(DesignError, match="strate « S » de l'échantillon n'a pas d'effectif"):
        stratified(["N", "S"], {"N": 10})
    with pytest.raises(
        DesignError, match="strate « N » compte 2 réponses pour une population de 1"
    ):
        stratified(["N", "N"], {"N": 1})
    with pytest.raises(DesignError, match="3 grappes tirées pour une population de 2 grappes"):
        one_stage_cluster([1, 2, 3], 2)


def test_numeric_totals_alone_and_with_a_population_total() -> None:
    d, x = np.full(5, 10.0), np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    raked = calibrate(d, [NumericTotal("x", x, 200.0)], method="raking")
    assert np.sum(raked.weights * x) == pytest.approx(200.0, rel=1e-12)
    # raking on x alone: w = d exp(lambda x), so log(w / d) is proportional to x
    ratio = np.log(raked.g) / x
    np.testing.assert_allclose(ratio, ratio[0], rtol=1e-10)
    # linear with the population total: w = d (1 + a + b x), solved by hand:
    # sum w = 10 (5 + 5a + 15b) = 60 and sum w x = 10 (15 + 15a + 55b) = 160 give a = 0.8,
    # b = -0.2, so w = 18 - 2 x
    linear = calibrate(d, [NumericTotal("x", x, 160.0)], method="linear", population_total=60)
    np.testing.assert_allclose(linear.weights, 18 - 2 * x, rtol=1e-12)
    assert linear.columns == (("population totale", None), ("x", None))


def test_nested_margins_that_agree_and_that_do_not() -> None:
    # neighbourhoods inside communes: the two margins overlap (a singular system), fine when
    # they agree, a clear error when a commune's neighbourhoods do not add up to it
    rng = np.random.default_rng(3)
    area = rng.choice(["q1", "q2", "q3"], 300)
    town = np.where(area == "q3", "c2", "c1")
    d = np.full(300, 10.0)
    towns = CategoricalMargin("commune", list(town), {"c1": 2000, "c2": 1000})
    for method in ("linear", "raking"):
        result = calibrate(
            d,
            [towns, CategoricalMargin("quartier", list(area), {"q1": 1200, "q2": 800, "q3": 1000})],
            method=method,  # type: ignore[arg-type]
        )
        assert result.weights[area == "q1"].sum() == pytest.approx(1200, rel=1e-10)
        assert result.weights[town == "c2"].sum() == pytest.approx(1000, rel=1e-10)
    wrong = CategoricalMargin("quartier", list(area), {"q1": 1200, "q2": 900, "q3": 900})
    with pytest.raises(CalibrationError) as caught:
        calibrate(d, [towns, wrong], method="raking")
    assert str(caught.value).startswith("Le calage n'a pas convergé : la marge « ")
    assert str(caught.value).endswith(
        "Vérifiez que les marges s'accordent entre elles (un quartier et sa commune, par "
        "exemple) ou regroupez des catégories."
    )
