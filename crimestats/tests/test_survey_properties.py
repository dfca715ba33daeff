"""Properties of calibration on random samples and margins (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crimestats.survey.calibration import CalibrationError, CategoricalMargin, calibrate
from crimestats.survey.design import SampleDesign
from crimestats.survey.estimation import mean, proportion


@st.composite
def problems(draw: st.DrawFn) -> tuple[np.ndarray, list[CategoricalMargin], np.ndarray]:
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(30, 400))
    sizes = draw(st.lists(st.integers(2, 6), min_size=1, max_size=4))
    population = float(draw(st.integers(1_000, 100_000)))
    margins = []
    for m, k in enumerate(sizes):
        codes = np.concatenate([np.arange(k), rng.integers(0, k, n - k)])  # no empty cell
        rng.shuffle(codes)
        share = rng.dirichlet(np.full(k, 3.0)) * 0.8 + 0.2 / k
        totals = np.round(share * population)
        totals[-1] = population - totals[:-1].sum()
        labels = [f"m{m}c{c}" for c in range(k)]
        margins.append(
            CategoricalMargin(
                f"marge {m}",
                [labels[c] for c in codes],
                dict(zip(labels, totals.tolist(), strict=True)),
            )
        )
    d = rng.uniform(1.0, 5.0, n) * population / n / 3.0
    return d, margins, rng.integers(0, 2, n).astype(float)


@settings(max_examples=60, deadline=None)
@given(problems())
def test_raking_meets_every_margin_or_says_which(
    problem: tuple[np.ndarray, list[CategoricalMargin], np.ndarray],
) -> None:
    d, margins, y = problem
    try:
        result = calibrate(d, margins, method="raking")
    except CalibrationError as error:
        # random small samples can make margins unreachable; the error must name one of them
        assert error.margin in {m.name for m in margins}
        return
    assert np.all(result.weights > 0)
    for margin in margins:
        values = np.array(margin.sample)
        for category, total in margin.totals.items():
            assert result.weights[values == category].sum() == pytest.approx(total, rel=1e-9)
    design = SampleDesign.from_arrays(d)
    share = proportion(y, design, result)
    assert 0.0 <= share.low <= share.value <= share.high <= 1.0
    assert share.se >= 0
    # the mean of a calibration variable's indicator is known exactly: no sampling error
    first = margins[0]
    category = next(iter(first.totals))
    indicator = (np.array(first.sample) == category).astype(float)
    exact = mean(indicator, design, result)
    assert exact.value == pytest.approx(first.totals[category] / sum(first.totals.values()))
    assert exact.se == pytest.approx(0.0, abs=1e-9)
