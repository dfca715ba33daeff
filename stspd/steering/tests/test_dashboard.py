"""The tableau de bord: statuses and their reasons, series, actions, decisions, filters, queries,
PDF, settings and the meeting it drafts."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from crimestats.status import LABELS
from stspd.accounts.enums import OrganisationKind
from stspd.accounts.models import Organisation
from stspd.audit.models import Event
from stspd.core.cache import bump
from stspd.councils.enums import DecisionStatus, FormationKind
from stspd.councils.models import Decision, Meeting
from stspd.indicators.enums import Direction, IndicatorKind, Periodicity
from stspd.indicators.models import IndicatorDefinition
from stspd.steering.dashboard import Filters, agenda_text, dashboard_data
from stspd.steering.enums import MeasurementStatus
from stspd.steering.models import Measurement
from stspd.steering.periods import next_start, period_end, period_start
from stspd.strategy.enums import ActionStatus, Funder, StatusMethod
from stspd.strategy.models import (
    Action,
    Axis,
    BudgetLine,
    Milestone,
    Objective,
    ObjectiveIndicator,
    Strategy,
)

TODAY = datetime.date(2026, 11, 20)
NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def months_before(start: datetime.date, n: int) -> datetime.date:
    index = start.year * 12 + start.month - 1 - n
    return datetime.date(index // 12, index % 12 + 1, 1)


def definition(council, name: str, kind: str = IndicatorKind.RESULT) -> IndicatorDefinition:  # type: ignore[no-untyped-def]
    return IndicatorDefinition.objects.create(
        council=council, name=name, kind=kind, unit="faits", periodicity=Periodicity.MONTH
    )


def measure(use, start, value, *, state="published", status=MeasurementStatus.VALIDATED, by=None):  # type: ignore[no-untyped-def]
    return Measurement.objects.create(
        objective_indicator=use,
        period_start=start,
        state=state,
        value=None if state == "suppressed" else Decimal(str(value)),
        status=status,
        submitted_by=by,
        submitted_at=timezone.now(),
    )


def build_cases(world, today: datetime.date) -> dict[str, ObjectiveIndicator]:  # type: ignore[no-untyped-def]
    """One monthly result indicator per status, dated from `today`: baseline 100 one year
    before the last complete month, target 80 two years after the baseline (decrease)."""
    last = months_before(period_start(today, Periodicity.MONTH), 1)
    baseline_on = period_end(months_before(last, 12), Periodicity.MONTH)
    deadline = baseline_on.replace(year=baseline_on.year + 2)
    axis = Axis.objects.create(strategy=world.strategy, position=2, title="Axe des cas")
    uses = {}
    for position, case in enumerate(
        ["on_track", "at_risk", "off_track", "not_enough_data", "stale", "suppressed", "context"]
    ):
        objective = Objective.objects.create(
            axis=axis, position=position, statement=f"Objectif du cas {case}"
        )
        kind = IndicatorKind.CONTEXT if case == "context" else IndicatorKind.RESULT
        uses[case] = ObjectiveIndicator.objects.create(
            objective=objective,
            definition=definition(world.council, f"Indicateur {case}", kind),
            baseline_value=Decimal(100),
            baseline_on=baseline_on,
            target_value=Decimal(80),
            deadline=deadline,
            direction=Direction.DECREASE,
        )
    earlier = months_before(last, 3)
    for case, value in [("on_track", 90), ("at_risk", 94.5), ("off_track", 99), ("context", 95)]:
        measure(uses[case], earlier, 97)
        status = MeasurementStatus.SUBMITTED if case == "at_risk" else MeasurementStatus.VALIDATED
        measure(uses[case], last, value, status=status, by=world.partner)
    # A value returned to its lead does not count (it would put the indicator off track).
    measure(uses["on_track"], next_start(last, "month"), 200, status=MeasurementStatus.RETURNED)
    measure(uses["stale"], months_before(last, 4), 90)
    measure(uses["suppressed"], earlier, 90)
    measure(uses["suppressed"], last, None, state="suppressed")
    return uses


def codes(data) -> dict[int, str | None]:  # type: ignore[no-untyped-def]
    return {row.use.pk: row.status_code for row in data.indicators}


def test_each_status_is_computed_with_its_reason(world) -> None:  # type: ignore[no-untyped-def]
    uses = build_cases(world, TODAY)
    data = dashboard_data(world.strategy.pk, today=TODAY)
    rows = {row.use.pk: row for row in data.indicators}
    for case in ["on_track", "at_risk", "off_track", "not_enough_data", "stale", "suppressed"]:
        assert rows[uses[case].pk].status_code == case, case
    assert "tolérance de 3 (15 % du changement prévu)" in rows[uses["at_risk"].pk].status.reason
    assert "secret statistique" in rows[uses["suppressed"].pk].status.reason
    assert "plus de 2 périodes" in rows[uses["stale"].pk].status.reason
    context = rows[uses["context"].pk]
    assert context.status is None and "contexte" in context.note
    assert len(context.points) == 2  # shown, without a status
    # The returned value is left out; the submitted one counts and is marked as such.
    assert [p.value for p in rows[uses["on_track"].pk].points] == [97, 90]
    assert [p.source for p in rows[uses["at_risk"].pk].points] == ["validated", "submitted"]
    # The suppressed period is no number, never a 0, in the chart's data too.
    chart = rows[uses["suppressed"].pk].chart()
    assert chart["points"][-1][1:3] == [None, "suppressed"]


def test_growth_ratio_method_is_chosen_per_strategy(world) -> None:  # type: ignore[no-untyped-def]
    uses = build_cases(world, TODAY)
    Strategy.objects.filter(pk=world.strategy.pk).update(status_method=StatusMethod.GROWTH_RATIO)
    data = dashboard_data(world.strategy.pk, today=TODAY)
    got = codes(data)
    # -10 % in a year where -10.6 % a year is required: 95 % of the pace is not reached.
    assert got[uses["on_track"].pk] == "at_risk"
    assert got[uses["off_track"].pk] == "off_track"
    assert "% du rythme requis" in next(
        r.status.reason for r in data.indicators if r.use.pk == uses["on_track"].pk
    )
    assert got[uses["stale"].pk] == "stale"
    assert got[uses["context"].pk] is None


def test_dashboard_at_an_earlier_date_leaves_out_later_periods(world) -> None:  # type: ignore[no-untyped-def]
    uses = build_cases(world, TODAY)
    earlier = months_before(period_start(TODAY, Periodicity.MONTH), 2)
    rows = {r.use.pk: r for r in dashboard_data(world.strategy.pk, today=earlier).indicators}
    assert [p.value for p in rows[uses["off_track"].pk].points] == [97]


def test_tolerance_and_stale_threshold_are_the_strategy_s(world) -> None:  # type: ignore[no-untyped-def]
    uses = build_cases(world, TODAY)
    Strategy.objects.filter(pk=world.strategy.pk).update(status_tolerance=50, stale_periods=6)
    got = codes(dashboard_data(world.strategy.pk, today=TODAY))
    assert got[uses["off_track"].pk] == "on_track"  # 9 behind, within 50 % of 20
    assert got[uses["stale"].pk] == "on_track"  # 4 months old: not stale after 6


def test_observatory_values_keep_their_three_states(world) -> None:  # type: ignore[no-untyped-def]
    """The territory's 2022 is a lower bound (Saint-Étienne-du-Rouvray suppressed), never
    judged; the commune's own 2022 is suppressed (no number), its 2023 a published zero."""
    bound = IndicatorDefinition.objects.get(observatory_indicator=world.indicator)
    territory = ObjectiveIndicator.objects.create(
        objective=world.objective,
        definition=bound,
        baseline_value=Decimal("1.2"),
        baseline_on=datetime.date(2020, 12, 31),
        target_value=Decimal("0.6"),
        deadline=datetime.date(2028, 12, 31),
        direction=Direction.DECREASE,
    )
    commune = ObjectiveIndicator.objects.create(
        objective=world.objective,
        definition=bound,
        baseline_value=Decimal("1.0"),
        baseline_on=datetime.date(2020, 12, 31),
        target_value=Decimal("0.5"),
        deadline=datetime.date(2028, 12, 31),
        direction=Direction.DECREASE,
        commune=world.council.communes().get(code="76575"),
    )
    rows = {
        r.use.pk: r
        for r in dashboard_data(world.strategy.pk, today=datetime.date(2024, 6, 1)).indicators
    }
    whole = rows[territory.pk]
    assert [p.state for p in whole.points] == ["published", "lower_bound", "published"]
    assert whole.points[1].value == pytest.approx(120 / 130)  # drawn, as "au moins"
    assert whole.points[1].judged_value is None
    assert whole.status_code == "on_track"
    own = rows[commune.pk]
    assert [(p.state, p.value) for p in own.points] == [
        ("published", pytest.approx(1.0)),
        ("suppressed", None),
        ("zero", 0.0),
    ]
    assert own.status_code == "on_track" and own.status.reason.startswith("cible atteinte")
    # The world's own indicator has its baseline in 2023: nothing after it yet.
    assert rows[world.objective.indicators.first().pk].status_code == "not_enough_data"


def test_page_shows_each_status_in_words_and_a_table_per_chart(world, login) -> None:  # type: ignore[no-untyped-def]
    build_cases(world, timezone.localdate())
    response = login(world.reader).get(reverse("steering:dashboard", args=[world.strategy.pk]))
    html = response.content.decode()
    for code in ["on_track", "at_risk", "off_track", "not_enough_data", "stale", "suppressed"]:
        assert f'">{LABELS[code]}</span>' in html, code
    assert "Indicateur de contexte : il décrit le territoire" in html
    assert "transmise, pas encore validée" in html
    assert html.count("data-dashboard-chart=") == html.count("<summary>Tableau des valeurs")
    assert 'id="dashboard-charts"' in html
    assert "Préparer l'ordre du jour" not in html  # a reader does not prepare meetings


def add_action(objective, lead, today, *, late=False):  # type: ignore[no-untyped-def]
    action = Action.objects.create(objective=objective, title=f"Fiche de {lead.name}", lead=lead)
    Milestone.objects.create(
        action=action, title="Lancement", due_on=today - datetime.timedelta(days=60), done_on=today
    )
    Milestone.objects.create(
        action=action,
        title="Bilan d'étape",
        due_on=today + (datetime.timedelta(days=-5 if late else 30)),
    )
    BudgetLine.objects.create(
        action=action, funder=Funder.FIPD, year=today.year, planned=Decimal(1000),
        committed=Decimal(500), spent=Decimal(250),
    )  # fmt: skip
    return action


def test_actions_show_milestones_delays_and_budget(world) -> None:  # type: ignore[no-untyped-def]
    late = add_action(world.objective, world.organisation, TODAY, late=True)
    Action.objects.filter(pk=late.pk).update(ends_on=TODAY - datetime.timedelta(days=1))
    data = dashboard_data(world.strategy.pk, today=TODAY)
    row = next(a for a in data.actions if a.action.pk == late.pk)
    assert (row.milestones_total, row.milestones_done, row.milestones_upcoming) == (2, 1, 0)
    assert [m.title for m in row.overdue_milestones] == ["Bilan d'étape"]
    assert row.ended_late and row.is_overdue
    assert (row.committed_rate, row.spent_rate) == ("50 %", "25 %")
    Action.objects.filter(pk=late.pk).update(status=ActionStatus.DONE)
    again = dashboard_data(world.strategy.pk, today=TODAY)
    assert not next(a for a in again.actions if a.action.pk == late.pk).ended_late


def test_open_decisions_follow_until_done_and_working_groups_never_show(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)  # a signed member of the working group, even so
    url = reverse("steering:dashboard", args=[world.strategy.pk])
    html = client.get(url).content.decode()
    assert "Diffuser le diagnostic" in html
    assert "SECRET-DECISION" not in html
    pdf = client.get(reverse("steering:dashboard_pdf", args=[world.strategy.pk]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Diffuser le diagnostic" in text and "SECRET-DECISION" not in text
    agenda = client.get(reverse("steering:dashboard_agenda", args=[world.strategy.pk]))
    assert "SECRET-DECISION" not in agenda.content.decode()
    Decision.objects.filter(pk=world.plenary_decision.pk).update(status=DecisionStatus.DONE)
    bump()  # as the meeting's pages do when they record the change (stspd/core/cache.py)
    assert "Diffuser le diagnostic" not in client.get(url).content.decode()


def test_filters_by_axis_lead_and_status(world, login) -> None:  # type: ignore[no-untyped-def]
    uses = build_cases(world, TODAY)
    cases_axis = uses["on_track"].objective.axis
    other = Organisation.objects.create(name="Bailleur Habitat 76", kind=OrganisationKind.BAILLEUR)
    add_action(uses["off_track"].objective, other, TODAY)
    by_axis = dashboard_data(world.strategy.pk, today=TODAY, filters=Filters(axis=cases_axis.pk))
    assert [a.axis.pk for a in by_axis.axes] == [cases_axis.pk]
    by_lead = dashboard_data(world.strategy.pk, today=TODAY, filters=Filters(lead=other.pk))
    assert [o.objective.pk for o in by_lead.objectives] == [uses["off_track"].objective_id]
    assert {a.action.lead_id for a in by_lead.actions} == {other.pk}
    assert by_lead.decisions == []  # the préfecture owns the only open decision
    by_status = dashboard_data(world.strategy.pk, today=TODAY, filters=Filters(status="stale"))
    assert [o.objective.pk for o in by_status.objectives] == [uses["stale"].objective_id]
    # The filters are GET parameters: the page can be shared as it is.
    url = reverse("steering:dashboard", args=[world.strategy.pk])
    html = (
        login(world.partner)
        .get(url, {"axe": cases_axis.pk, "statut": "off_track"})
        .content.decode()
    )
    assert "Objectif du cas off_track" in html and "Objectif du cas on_track" not in html
    assert "Réduire les dégradations de biens publics" not in html
    assert f"?axe={cases_axis.pk}&amp;statut=off_track" in html  # the PDF link keeps them
    assert login(world.partner).get(url, {"axe": "x", "statut": "nope"}).status_code == 200


def grow(world, n_axes: int, n_objectives: int, n_values: int) -> None:  # type: ignore[no-untyped-def]
    """Axes of objectives, each with a reported and an observatory-bound indicator, a context
    indicator, two fiches action with milestones and budget lines, `n_values` monthly values."""
    bound = IndicatorDefinition.objects.get(observatory_indicator=world.indicator)
    lead = world.organisation
    for a in range(n_axes):
        axis = Axis.objects.create(strategy=world.strategy, position=10 + a, title=f"Axe {a}")
        for o in range(n_objectives):
            objective = Objective.objects.create(
                axis=axis, position=o, statement=f"Objectif {a}.{o}"
            )
            for kind in (IndicatorKind.RESULT, IndicatorKind.CONTEXT):
                entry = definition(world.council, f"I{a}.{o}.{kind}", kind)
                use = ObjectiveIndicator.objects.create(
                    objective=objective, definition=entry,
                    baseline_value=Decimal(100), baseline_on=datetime.date(2023, 12, 31),
                    target_value=Decimal(80), deadline=datetime.date(2028, 12, 31),
                    direction=Direction.DECREASE,
                )  # fmt: skip
                for m in range(n_values):
                    measure(use, datetime.date(2024 + m // 12, m % 12 + 1, 1), 100 - m)
            ObjectiveIndicator.objects.create(
                objective=objective, definition=bound, baseline_value=Decimal("1.2"),
                baseline_on=datetime.date(2020, 12, 31), target_value=Decimal(1),
                deadline=datetime.date(2028, 12, 31), direction=Direction.DECREASE,
                commune=world.council.communes().get(code="76540") if o % 2 else None,
            )  # fmt: skip
            for _ in range(2):
                add_action(objective, lead, TODAY, late=bool(o % 2))
    meeting = world.plenary_meeting
    for d in range(n_axes * 3):
        Decision.objects.create(meeting=meeting, owner=lead, text=f"D{d}", due_on=TODAY)


def queries_of(client, url: str) -> int:  # type: ignore[no-untyped-def]
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_queries_do_not_grow_with_the_strategy(world, login, django_db_setup, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CACHES = NO_CACHE  # the computation's queries (cached, a page does fewer)
    """The same number of queries for one objective and for 3 x 4 objectives with 36
    indicators, 24 fiches action and 12 values each; the function and the page alike."""
    client = login(world.reader)
    url = reverse("steering:dashboard", args=[world.strategy.pk])
    reset_queries()
    with CaptureQueriesContext(connection) as small_data:
        dashboard_data(world.strategy.pk, today=TODAY)
    small_page = queries_of(client, url)
    grow(world, n_axes=3, n_objectives=4, n_values=12)
    reset_queries()
    with CaptureQueriesContext(connection) as large_data:
        large = dashboard_data(world.strategy.pk, today=TODAY)
    assert len(large.objectives) == 13 and len(large.actions) == 25
    assert len(large_data) == len(small_data) <= 14
    assert queries_of(client, url) == small_page


def test_pdf_holds_the_objectives_and_their_statuses(world, login) -> None:  # type: ignore[no-untyped-def]
    build_cases(world, timezone.localdate())
    response = login(world.partner).get(reverse("steering:dashboard_pdf", args=[world.strategy.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "tableau-de-bord-" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for statement in ["Réduire les dégradations de biens publics", "Objectif du cas off_track"]:
        assert statement in text
    assert LABELS["off_track"].upper() in text.upper()
    assert "Médiation de nuit dans les quartiers" in text


def test_coordinator_sets_the_status_method(world, login) -> None:  # type: ignore[no-untyped-def]
    url = reverse("steering:dashboard_settings", args=[world.strategy.pk])
    client = login(world.coordinator)
    assert client.get(url).status_code == 200
    bad = client.post(
        url, {"status_method": "growth_ratio", "status_tolerance": 0, "stale_periods": 2}
    )
    assert bad.status_code == 200 and Event.objects.filter(verb="updated").count() == 0
    response = client.post(
        url, {"status_method": "growth_ratio", "status_tolerance": 20, "stale_periods": 3}
    )
    assert response.status_code == 302
    strategy = Strategy.objects.get(pk=world.strategy.pk)
    assert (strategy.status_method, strategy.status_tolerance, strategy.stale_periods) == (
        "growth_ratio", 20, 3,
    )  # fmt: skip
    event = Event.objects.get(verb="updated", object_id=strategy.pk)
    assert "status_method" in event.changes


def test_agenda_is_drafted_from_the_dashboard_and_saved_as_a_meeting(world, login) -> None:  # type: ignore[no-untyped-def]
    uses = build_cases(world, timezone.localdate())
    today = timezone.localdate()
    add_action(uses["off_track"].objective, world.organisation, today, late=True)
    text = agenda_text(dashboard_data(world.strategy.pk))
    assert "Objectif du cas off_track" in text and "Objectif du cas at_risk" in text
    assert "Objectif du cas on_track" not in text
    assert text.index("cas off_track") < text.index("cas at_risk")  # the worst first
    assert "jalon « Bilan d'étape »" in text
    assert "Diffuser le diagnostic" in text
    client = login(world.coordinator)
    url = reverse("steering:dashboard_agenda", args=[world.strategy.pk])
    form = client.get(url).content.decode()
    assert "Objectif du cas off_track" in form
    assert "GT violences intrafamiliales" not in form  # only plenary and restricted formations
    restricted = world.council.formations.get(kind=FormationKind.RESTRICTED)
    starts = (timezone.localtime() + datetime.timedelta(days=14)).strftime("%Y-%m-%dT14:00")
    refused = client.post(
        url,
        {"formation": world.working_group.pk, "starts_at": starts, "place": "Rouen", "agenda": "x"},
    )
    assert refused.status_code == 200 and not Meeting.objects.filter(agenda="x").exists()
    response = client.post(
        url,
        {
            "formation": restricted.pk,
            "starts_at": starts,
            "place": "Hôtel de la Métropole",
            "agenda": text + "\n6. Ajouté",
        },
    )
    meeting = Meeting.objects.get(formation=restricted)
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert meeting.agenda.endswith("6. Ajouté") and meeting.place == "Hôtel de la Métropole"
    assert Event.objects.filter(verb="created", object_id=meeting.pk).exists()
    # A decision taken there follows on the dashboard until done.
    Decision.objects.create(
        meeting=meeting, owner=world.organisation, text="Relancer le bailleur", due_on=today
    )
    page = client.get(reverse("steering:dashboard", args=[world.strategy.pk])).content.decode()
    assert "Relancer le bailleur" in page
