"""Dashboard status of a result indicator: every status, both methods, the edge cases."""

from __future__ import annotations

import datetime as dt

import pytest

from crimestats.status import LABELS, TargetedIndicator, indicator_status

D = dt.date
BASE = D(2022, 12, 31)
DEADLINE = D(2026, 12, 31)
TODAY = D(2025, 6, 1)


def decrease(*observations, baseline=100.0, target=80.0, deadline=DEADLINE):
    return TargetedIndicator(baseline, BASE, target, deadline, "decrease", list(observations))


def increase(*observations, baseline=40.0, target=60.0, deadline=DEADLINE):
    return TargetedIndicator(baseline, BASE, target, deadline, "increase", list(observations))


# Half-way through (2024-12-31 is 731 of 1,461 days: 50.03 %), the trajectory expects 89.99
# for a fall from 100 to 80 (tolerance 3, twice 6), and 50.01 for a rise from 40 to 60.
HALF = D(2024, 12, 31)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (88.0, "on_track"),  # ahead of the path
        (92.9, "on_track"),  # 2.9 behind, within 3
        (93.5, "at_risk"),  # 3.5 behind, within 6
        (96.5, "off_track"),  # 6.5 behind
        (103.0, "off_track"),  # moving away
    ],
)
def test_trajectory_decrease(value, code):
    s = indicator_status(decrease((HALF, value)), today=TODAY)
    assert s.code == code and s.label == LABELS[code]
    assert s.expected == pytest.approx(100 - 20 * 731 / 1461)
    assert s.value == value and s.value_date == HALF


@pytest.mark.parametrize(
    ("value", "code"),
    [(52.0, "on_track"), (47.5, "on_track"), (46.5, "at_risk"), (43.0, "off_track")],
)
def test_trajectory_increase(value, code):
    assert indicator_status(increase((HALF, value)), today=TODAY).code == code


def test_trajectory_reasons():
    ahead = indicator_status(decrease((HALF, 88.0)), today=TODAY)
    assert ahead.reason.endswith("en avance sur la trajectoire")
    risk = indicator_status(decrease((HALF, 93.5)), today=TODAY)
    assert risk.reason.endswith("au-delà de la tolérance de 3 (15 % du changement prévu)")
    off = indicator_status(decrease((HALF, 96.5)), today=TODAY)
    assert "plus du double de la tolérance" in off.reason
    wide = indicator_status(decrease((HALF, 96.5)), today=TODAY, tolerance=0.35)
    assert wide.code == "on_track" and "35 % du changement prévu" in wide.reason


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (89.0, "on_track"),  # -5.7 %/yr observed for -5.4 %/yr required: 105 %
        (92.0, "at_risk"),  # -4.1 %/yr: 75 %
        (96.0, "off_track"),  # -2.0 %/yr: 37 %
        (101.0, "off_track"),  # moving away: negative ratio
    ],
)
def test_growth_ratio_decrease(value, code):
    s = indicator_status(decrease((HALF, value)), today=TODAY, method="growth_ratio")
    assert s.code == code
    observed = (value / 100) ** (365.25 / 731) - 1
    required = 0.8 ** (365.25 / 1461) - 1
    assert s.ratio == pytest.approx(observed / required)
    assert s.expected is None


def test_growth_ratio_thresholds_and_reason():
    # Linear rates (baseline zero): required +5 a year; 95 % and 60 % of it over 731 days
    # (2.0014 years) are 9.51 and 6.00.
    def at(value):
        indicator = increase((HALF, value), baseline=0.0, target=20.0)
        return indicator_status(indicator, today=TODAY, method="growth_ratio")

    assert at(9.52).code == "on_track"
    assert at(9.50).code == "at_risk"
    assert at(6.01).code == "at_risk"
    assert at(6.00).code == "off_track"
    assert at(9.6).reason == (
        "évolution observée +4,8 par an depuis le 31/12/2022, +5 par an nécessaires pour "
        "atteindre 20 au 31/12/2026 : 96 % du rythme requis"
    )
    compound = indicator_status(decrease((HALF, 92.0)), today=TODAY, method="growth_ratio")
    assert compound.reason == (
        "évolution observée -4,08 % par an depuis le 31/12/2022, -5,43 % par an nécessaires "
        "pour atteindre 80 au 31/12/2026 : 75 % du rythme requis"
    )


def test_zero_target_uses_linear_growth():
    # "Zero victims": a compound rate cannot reach 0; linear rates still give a ratio.
    s = indicator_status(
        decrease((HALF, 6.0), baseline=10.0, target=0.0), today=TODAY, method="growth_ratio"
    )
    assert s.ratio == pytest.approx((4 / (731 / 365.25)) / (10 / (1461 / 365.25)))
    assert s.code == "at_risk"


def test_baseline_zero_trajectory():
    s = indicator_status(increase((HALF, 9.0), baseline=0.0, target=20.0), today=TODAY)
    assert s.expected == pytest.approx(20 * 731 / 1461)
    assert s.code == "on_track"  # 1.007 behind, tolerance 15 % of 20 = 3
    behind = indicator_status(increase((HALF, 6.5), baseline=0.0, target=20.0), today=TODAY)
    assert behind.code == "at_risk"  # 3.5 behind


@pytest.mark.parametrize("method", ["trajectory", "growth_ratio"])
def test_target_reached_and_beyond(method):
    reached = indicator_status(decrease((HALF, 80.0)), today=TODAY, method=method)
    assert reached.code == "on_track"
    assert reached.reason == "cible atteinte : 80 au 31/12/2024 pour une cible de 80"
    beyond = indicator_status(increase((HALF, 75.0)), today=TODAY, method=method)
    assert beyond.code == "on_track" and beyond.reason.startswith("cible atteinte : 75")
    late = indicator_status(decrease((D(2027, 12, 31), 79.0)), today=D(2028, 3, 1), method=method)
    assert late.code == "on_track"


@pytest.mark.parametrize("method", ["trajectory", "growth_ratio"])
def test_target_already_met_at_baseline(method):
    kept = indicator_status(decrease((HALF, 70.0), baseline=75.0), today=TODAY, method=method)
    assert kept.code == "on_track"
    lost = indicator_status(decrease((HALF, 85.0), baseline=75.0), today=TODAY, method=method)
    assert lost.code == "off_track"
    assert lost.reason == (
        "la cible (80) était atteinte au départ (75) mais ne l'est plus : 85 au 31/12/2024"
    )


@pytest.mark.parametrize("method", ["trajectory", "growth_ratio"])
def test_deadline_passed(method):
    after = indicator_status(decrease((D(2026, 12, 31), 81.0)), today=D(2027, 5, 1), method=method)
    assert after.code == "off_track"
    assert after.reason == "échéance du 31/12/2026 passée : 81 au 31/12/2026 pour une cible de 80"
    # The deadline is passed today even if the last value is older.
    older = indicator_status(decrease((D(2025, 12, 31), 85.0)), today=D(2027, 1, 15), method=method)
    assert older.code == "off_track" and older.reason.startswith("échéance du 31/12/2026 passée")


@pytest.mark.parametrize("method", ["trajectory", "growth_ratio"])
def test_not_enough_data(method):
    none = indicator_status(decrease(), today=TODAY, method=method)
    assert none.code == "not_enough_data" and none.label == "données insuffisantes"
    assert none.reason == "aucune valeur depuis la valeur de référence du 31/12/2022"
    # Observations at or before the baseline are not progress.
    before = indicator_status(decrease((BASE, 90.0), (D(2021, 12, 31), 95.0)), today=TODAY)
    assert before.code == "not_enough_data"


@pytest.mark.parametrize("method", ["trajectory", "growth_ratio"])
def test_stale(method):
    old = indicator_status(decrease((D(2023, 12, 31), 95.0)), today=D(2026, 2, 1), method=method)
    assert old.code == "stale" and old.label == "données anciennes"
    assert old.reason == "dernière valeur au 31/12/2023 : aucune depuis plus de 2 ans"
    recent = indicator_status(decrease((D(2023, 12, 31), 95.0)), today=D(2025, 12, 31))
    assert recent.code != "stale"
    monthly = indicator_status(
        decrease((D(2025, 1, 31), 95.0)), today=D(2025, 6, 1), period_months=1, stale_periods=3
    )
    assert monthly.code == "stale" and monthly.reason.endswith("plus de 3 périodes")


@pytest.mark.parametrize("method", ["trajectory", "growth_ratio"])
def test_suppressed_last_value(method):
    s = indicator_status(
        decrease((D(2023, 12, 31), 95.0), (HALF, None)), today=TODAY, method=method
    )
    assert s.code == "suppressed" and s.label == "donnée non diffusée"
    assert s.reason == (
        "la valeur du 31/12/2024 n'est pas diffusée (secret statistique) : l'avancement ne peut "
        "pas être mesuré"
    )
    assert s.value is None and s.value_date == HALF
    # An older suppressed value does not matter; order of the observations does not either.
    later = indicator_status(decrease((HALF, 92.0), (D(2023, 12, 31), None)), today=TODAY)
    assert later.code == "on_track" and later.value == 92.0


def test_bad_inputs():
    with pytest.raises(ValueError, match="direction"):
        TargetedIndicator(1.0, BASE, 2.0, DEADLINE, "up", [])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="échéance"):
        TargetedIndicator(1.0, BASE, 2.0, BASE, "increase", [])
    with pytest.raises(ValueError, match="tolérance"):
        indicator_status(increase(), today=TODAY, tolerance=-0.1)
    with pytest.raises(ValueError, match="méthode"):
        indicator_status(increase(), today=TODAY, method="sdg")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="pas un nombre"):
        indicator_status(increase((HALF, float("nan"))), today=TODAY)
