"""The docstring examples of the survey package run."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from crimestats.survey import calibration, design, estimation


@pytest.mark.parametrize("module", [design, calibration, estimation], ids=lambda m: m.__name__)
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
