"""The docstring examples run."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from crimestats import (
    aggregate,
    change,
    counterfactual,
    french,
    funnel,
    hotspots,
    labels,
    rates,
    similar,
    ssmsi,
    states,
    status,
    trend,
)


@pytest.mark.parametrize(
    "module",
    [
        labels,
        ssmsi,
        rates,
        aggregate,
        change,
        trend,
        hotspots,
        funnel,
        similar,
        counterfactual,
        status,
        french,
        states,
    ],
    ids=lambda m: m.__name__,
)
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
