"""Surveys for the tests, built in the test's own transaction."""

from __future__ import annotations

from typing import Any

from stspd.surveys.enums import AccessMode, Channel
from stspd.surveys.models import Survey
from stspd.surveys.workflow import create_survey, generate_codes, open_survey, store_many

NEIGHBOURHOODS = [["centre", "Centre"], ["gare", "Gare"]]


def draft_survey(world: Any, *, access_mode: str = AccessMode.CODES) -> Survey:
    return create_survey(
        world.council,
        title="Enquête test",
        territory="La Métropole",
        access_mode=access_mode,
        neighbourhoods=NEIGHBOURHOODS,
        by=world.coordinator,
    )


def opened_survey(world: Any, *, access_mode: str = AccessMode.CODES) -> tuple[Survey, list[str]]:
    survey = draft_survey(world, access_mode=access_mode)
    codes = (
        generate_codes(survey, 5, by=world.coordinator) if access_mode == AccessMode.CODES else []
    )
    return open_survey(survey, by=world.coordinator), codes


def answered_survey(world: Any, rows: list[dict[str, Any]]) -> Survey:
    survey, _ = opened_survey(world)
    store_many(survey, rows, channel=Channel.PAPER, by=world.coordinator)
    return survey


def profile(sexe: str, age: str, quartier: str, **answers: Any) -> dict[str, Any]:
    return {"sexe": sexe, "age": age, "quartier": quartier, **answers}


def published_survey(world: Any) -> Survey:
    """A weighted survey of 100 answers (40 women, 60 men) whose results are published."""
    from stspd.surveys.enums import Method
    from stspd.surveys.results import public_summary, survey_results
    from stspd.surveys.workflow import publish_results, run_weighting, save_margin

    rows = [
        profile("F", "30-44", "centre", insecurite_quartier="souvent" if i < 10 else "jamais")
        for i in range(40)
    ] + [
        profile("H", "30-44", "gare", insecurite_quartier="souvent" if i < 30 else "jamais")
        for i in range(60)
    ]
    survey = answered_survey(world, rows)
    sexe = survey.current_version().questions.get(code="sexe")
    save_margin(survey, sexe, {"F": 5000.0, "H": 5000.0}, by=world.coordinator)
    run_weighting(survey, method=Method.RAKING, by=world.coordinator)
    return publish_results(survey, public_summary(survey_results(survey)), by=world.coordinator)
