"""An indicator of the strategy fed by the council's survey waves: each published and closed wave
gives the share the survey's results page shows (in %, with its interval), a small wave is "non
diffusé" with its reason and never 0, the change between the last two waves is the comparison
page's; only the coordinator creates one; its values are not reported."""

from __future__ import annotations

import datetime
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from stspd.audit.models import Event
from stspd.indicators.enums import Direction, IndicatorKind
from stspd.indicators.models import IndicatorDefinition
from stspd.steering.dashboard import dashboard_data
from stspd.steering.reporting import SURVEY_REFUSAL, reporting_problem
from stspd.steering.survey_series import survey_series
from stspd.strategy.models import ObjectiveIndicator
from stspd.surveys.enums import Method
from stspd.surveys.results import compare_surveys, public_summary, survey_results
from stspd.surveys.tests.helpers import answered_survey, profile
from stspd.surveys.workflow import close_survey, publish_results, run_weighting, save_margin

NAME = "Part des habitants qui se sentent en insécurité dans leur quartier"


def wave(
    world: Any, closed_on: datetime.date, *, women: tuple[int, int], men: tuple[int, int]
) -> Any:
    """A weighted, published and closed wave: ``women`` and ``men`` are (answers, of whom feel
    insecure "souvent"), raked to a population of half women; the others answer "jamais"."""
    rows = []
    for sexe, (n, yes) in (("F", women), ("H", men)):
        for i in range(n):
            answer = "souvent" if i < yes else "jamais"
            rows.append(profile(sexe, "30-44", "centre", insecurite_quartier=answer))
    survey = answered_survey(world, rows)
    sexe = survey.current_version().questions.get(code="sexe")
    save_margin(survey, sexe, {"F": 5000.0, "H": 5000.0}, by=world.coordinator)
    run_weighting(survey, method=Method.RAKING, by=world.coordinator)
    publish_results(survey, public_summary(survey_results(survey)), by=world.coordinator)
    close_survey(survey, by=world.coordinator)
    closed_at = timezone.make_aware(datetime.datetime.combine(closed_on, datetime.time(12)))
    type(survey).objects.filter(pk=survey.pk).update(
        opened_at=closed_at - datetime.timedelta(days=30), closed_at=closed_at
    )
    survey.refresh_from_db()
    return survey


def survey_use(world: Any, answers: list[str] | None = None) -> ObjectiveIndicator:
    definition = IndicatorDefinition.objects.create(
        council=world.council,
        name=NAME,
        kind=IndicatorKind.RESULT,
        unit="%",
        direction=Direction.DECREASE,
        survey_question="insecurite_quartier",
        survey_answers=answers or ["souvent", "de_temps_en_temps"],
    )
    return ObjectiveIndicator.objects.create(
        objective=world.objective,
        definition=definition,
        baseline_value=Decimal("37.5"),
        baseline_on=datetime.date(2026, 3, 31),
        target_value=Decimal("30"),
        deadline=datetime.date(2028, 12, 31),
        direction=Direction.DECREASE,
    )


def test_each_wave_is_the_share_the_results_page_shows_in_percent(world) -> None:  # type: ignore[no-untyped-def]
    first = wave(world, datetime.date(2026, 3, 31), women=(40, 10), men=(60, 30))
    second = wave(world, datetime.date(2026, 10, 31), women=(60, 6), men=(60, 18))
    use = survey_use(world)
    waves = survey_series([use])[use.pk].waves
    assert [w.survey for w in waves] == [first, second]
    assert [w.on for w in waves] == [datetime.date(2026, 3, 31), datetime.date(2026, 10, 31)]
    # Post-stratified on sex (half women): 0.5 x 10/40 + 0.5 x 30/60, then 0.5 x 6/60 + 0.5 x 18/60.
    assert waves[0].value == pytest.approx(37.5, rel=1e-12)
    assert waves[1].value == pytest.approx(20.0, rel=1e-12)
    for one in waves:
        page = survey_results(one.survey).headlines[0]
        assert page.headline.key == "insecurite_quartier"
        assert page.overall is not None
        assert (one.value, one.low, one.high) == pytest.approx(
            (100 * page.overall.value, 100 * page.overall.low, 100 * page.overall.high),
            rel=1e-12,
        )


def test_one_answer_s_share_is_that_answer_s_row_of_the_results_page(world) -> None:  # type: ignore[no-untyped-def]
    survey = wave(world, datetime.date(2026, 3, 31), women=(40, 10), men=(60, 30))
    use = survey_use(world, ["jamais"])
    (only,) = survey_series([use])[use.pk].waves
    question = next(
        q for q in survey_results(survey).questions if q.question.code == "insecurite_quartier"
    )
    row = next(s for s in question.shares if s.value == "jamais")
    assert row.estimate is not None
    assert only.value == pytest.approx(100 * row.estimate.value, rel=1e-12)
    assert only.value == pytest.approx(62.5, rel=1e-12)


def test_the_dashboard_shows_the_waves_and_their_tested_change(world) -> None:  # type: ignore[no-untyped-def]
    first = wave(world, datetime.date(2026, 3, 31), women=(40, 10), men=(60, 30))
    second = wave(world, datetime.date(2026, 10, 31), women=(60, 6), men=(60, 18))
    use = survey_use(world)
    data = dashboard_data(world.strategy.pk, today=datetime.date(2026, 12, 1))
    row = next(r for r in data.indicators if r.use.pk == use.pk)
    assert row.unit == "%"
    assert [p.source for p in row.points] == ["survey", "survey"]
    assert [p.value for p in row.points] == pytest.approx([37.5, 20.0], rel=1e-12)
    assert row.points[0].end == datetime.date(2026, 3, 31)
    assert row.status is not None  # a quantified result indicator is judged on its waves
    # The change is the comparison page's, for the same two waves.
    expected = compare_surveys(survey_results(first), survey_results(second))[0]
    assert row.survey is not None
    change = row.survey.change
    assert change is not None and change.change is not None and expected.change is not None
    assert change.change.difference == pytest.approx(-0.175, rel=1e-12)
    assert change.change.p_value == pytest.approx(expected.change.p_value, rel=1e-12)
    assert (change.change.low, change.change.high) == pytest.approx(
        (expected.change.low, expected.change.high), rel=1e-12
    )
    assert change.significant == expected.significant
    assert expected.change_text in row.survey.change_text()
    assert "évolution significative au seuil de 5 %" in row.survey.change_text()


def test_a_wave_too_small_to_show_is_not_disclosed_with_its_reason_never_zero(world) -> None:  # type: ignore[no-untyped-def]
    wave(world, datetime.date(2026, 3, 31), women=(40, 10), men=(60, 30))
    # 12 answers: an effective sample below 30, the results page does not show it.
    small = wave(world, datetime.date(2026, 10, 31), women=(6, 1), men=(6, 2))
    assert survey_results(small).headlines[0].overall is None
    use = survey_use(world)
    data = dashboard_data(world.strategy.pk, today=datetime.date(2026, 12, 1))
    row = next(r for r in data.indicators if r.use.pk == use.pk)
    last = row.points[-1]
    assert last.value is None and last.state == "suppressed"
    assert "échantillon effectif de 12 réponses, sous le seuil de 30" in last.text
    assert row.survey is not None and row.survey.change is not None
    assert row.survey.change.change is None
    assert "n'est pas diffusée" in row.survey.change_text()


def test_unpublished_or_open_surveys_and_other_councils_surveys_are_no_wave(world) -> None:  # type: ignore[no-untyped-def]
    kept = wave(world, datetime.date(2026, 3, 31), women=(40, 10), men=(60, 30))
    answered_survey(world, [profile("F", "30-44", "centre", insecurite_quartier="souvent")])
    withdrawn = wave(world, datetime.date(2026, 5, 31), women=(40, 10), men=(60, 30))
    type(withdrawn).objects.filter(pk=withdrawn.pk).update(published_at=None)
    other = wave(world, datetime.date(2026, 6, 30), women=(40, 10), men=(60, 30))
    type(other).objects.filter(pk=other.pk).update(council=world.other_council)
    use = survey_use(world)
    assert [w.survey for w in survey_series([use])[use.pk].waves] == [kept]


def test_a_survey_indicator_takes_no_reported_value(world) -> None:  # type: ignore[no-untyped-def]
    use = survey_use(world)
    assert reporting_problem(use) == SURVEY_REFUSAL


def test_the_coordinator_creates_a_survey_indicator_in_percent(world, login) -> None:  # type: ignore[no-untyped-def]
    wave(world, datetime.date(2026, 3, 31), women=(40, 10), men=(60, 30))
    url = reverse("steering:survey_indicator_add", args=[world.council.pk])
    client = login(world.coordinator)
    page = client.get(url)
    assert page.status_code == 200
    assert "insecurite_quartier:souvent" in page.content.decode()
    refused = client.post(
        url,
        {
            "name": NAME,
            "kind": "result",
            "direction": "decrease",
            "answers": ["insecurite_quartier:souvent", "patrouilles:souvent"],
        },
    )
    assert refused.status_code == 200
    assert "Cochez des réponses d'une seule question" in unescape(refused.content.decode())
    assert not IndicatorDefinition.objects.filter(name=NAME).exists()
    done = client.post(
        url,
        {
            "name": NAME,
            "kind": "result",
            "direction": "decrease",
            "answers": ["insecurite_quartier:souvent", "insecurite_quartier:de_temps_en_temps"],
        },
    )
    assert done.status_code == 302
    definition = IndicatorDefinition.objects.get(name=NAME)
    assert definition.council == world.council
    assert definition.unit == "%"
    assert definition.survey_question == "insecurite_quartier"
    assert definition.survey_answers == ["souvent", "de_temps_en_temps"]
    assert Event.objects.filter(
        verb="created", object_type="indicators.indicatordefinition", object_id=str(definition.pk)
    ).exists()
    # Its unit cannot be changed afterwards.
    edit = client.post(
        reverse("indicators:definition_edit", args=[definition.pk]),
        {"name": NAME, "kind": "result", "unit": "nombre", "periodicity": "year"},
    )
    assert edit.status_code == 302
    definition.refresh_from_db()
    assert definition.unit == "%"


def test_outsiders_do_not_see_the_form_and_readers_may_not_create(world, login) -> None:  # type: ignore[no-untyped-def]
    url = reverse("steering:survey_indicator_add", args=[world.council.pk])
    assert login(world.outsider).get(url).status_code == 404
    reader = login(world.reader)
    assert reader.get(url).status_code == 403
    assert reader.post(url, {"name": NAME, "kind": "result"}).status_code == 403
    assert not IndicatorDefinition.objects.filter(name=NAME).exists()


def test_a_reader_reads_the_waves_on_the_dashboard(world, login) -> None:  # type: ignore[no-untyped-def]
    wave(world, datetime.date(2026, 3, 31), women=(40, 10), men=(60, 30))
    wave(world, datetime.date(2026, 10, 31), women=(60, 6), men=(60, 18))
    survey_use(world)
    url = reverse("steering:dashboard", args=[world.strategy.pk])
    page = login(world.reader).get(url).content.decode()
    assert "Évolution entre les deux dernières vagues" in page
    assert "37,5 % (intervalle à 95 %" in page
    assert login(world.outsider).get(url).status_code == 404


def test_the_evaluation_reads_the_change_from_the_first_wave_to_the_last(world) -> None:  # type: ignore[no-untyped-def]
    from stspd.evaluation.judgements import survey_change

    first = wave(world, datetime.date(2026, 3, 31), women=(40, 10), men=(60, 30))
    wave(world, datetime.date(2026, 6, 30), women=(40, 10), men=(60, 30))
    last = wave(world, datetime.date(2026, 10, 31), women=(60, 6), men=(60, 18))
    use = survey_use(world)
    expected = compare_surveys(survey_results(first), survey_results(last))[0]
    change = survey_change(use)
    assert change.significant is True and expected.significant
    assert change.sentence.startswith(expected.change_text)
    assert change.before == "37,5 %" and change.after == "20,0 %"
