"""Texts a higher room adds to the qualitative report's draft (a registry filled at start-up).

Why a registry? The fiche's appraisal lives in the evaluation room, which sits above funding (it
reads the grants): funding cannot import it. The evaluation registers, in its
`AppConfig.ready`, a function giving the appraisal of a fiche for a year.
"""

from __future__ import annotations

from collections.abc import Callable

from stspd.strategy.models import Action

QualitativeSource = Callable[[Action, int], str]

SOURCES: list[QualitativeSource] = []


def register(source: QualitativeSource) -> None:
    if source not in SOURCES:
        SOURCES.append(source)


def extra_texts(action: Action, year: int) -> list[str]:
    return [text for source in SOURCES if (text := source(action, year))]
