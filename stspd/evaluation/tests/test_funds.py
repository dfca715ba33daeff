"""Public funds with hand-computed answers: totals per funder, axis and year, rates, cost per
unit of activity, exports per funder, and a query count that does not grow with the actions."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook  # type: ignore[import-untyped]

from stspd.conftest import World
from stspd.evaluation.funds import strategy_funds
from stspd.indicators.models import IndicatorDefinition
from stspd.steering.enums import MeasurementStatus
from stspd.steering.models import Measurement
from stspd.strategy.enums import Funder
from stspd.strategy.models import Action, ActionIndicator, Axis, BudgetLine, Objective

D = Decimal


def line(action: Action, funder: str, year: int, planned: str, committed: str, spent: str) -> None:
    BudgetLine.objects.update_or_create(
        action=action,
        funder=funder,
        year=year,
        defaults={"planned": D(planned), "committed": D(committed), "spent": D(spent)},
    )


def value(use: ActionIndicator, day: datetime.date, amount: str, status: str) -> None:
    Measurement.objects.create(
        action_indicator=use,
        period_start=day,
        state="zero" if D(amount) == 0 else "published",
        value=D(amount),
        status=status,
        submitted_at=timezone.now(),
    )


def second_action(world: World, title: str = "Chantiers éducatifs") -> Action:
    axis, _ = Axis.objects.get_or_create(
        strategy=world.strategy, position=2, defaults={"title": "Jeunesse"}
    )
    objective, _ = Objective.objects.get_or_create(
        axis=axis, position=1, defaults={"statement": "Prévenir le décrochage"}
    )
    return Action.objects.create(objective=objective, title=title, lead=world.organisation)


@pytest.fixture
def funded(world: World) -> Action:
    """Action 1.1.1: FIPD 2026 15,000 / 12,000 / 9,000, commune 2026 5,000 / 5,000 / 5,000, FIPD
    2027 10,000 / 0 / 0; 160 mediations validated in 2026 (100 + 60), 500 submitted in 2027.
    Action 2.1.1: CAF 2026 8,000 / 8,000 / 2,000; its activity indicator has no value."""
    line(world.action, Funder.FIPD, 2026, "15000", "12000", "9000")
    line(world.action, Funder.COMMUNE, 2026, "5000", "5000", "5000")
    line(world.action, Funder.FIPD, 2027, "10000", "0", "0")
    use = world.action.indicators.get()
    value(use, datetime.date(2026, 1, 1), "100", MeasurementStatus.VALIDATED)
    value(use, datetime.date(2026, 7, 1), "60", MeasurementStatus.VALIDATED)
    value(use, datetime.date(2027, 1, 1), "500", MeasurementStatus.SUBMITTED)
    other = second_action(world)
    line(other, Funder.CAF, 2026, "8000", "8000", "2000")
    ActionIndicator.objects.create(
        action=other, definition=IndicatorDefinition.objects.get(name="Médiations réalisées")
    )
    return other


def test_totals_and_rates_per_funder_axis_and_year(world: World, funded: Action) -> None:
    funds = strategy_funds(world.strategy)
    assert (funds.total.planned, funds.total.committed, funds.total.spent) == (
        D("38000"),
        D("25000"),
        D("16000"),
    )
    assert funds.total.committed_rate == D("65.8") and funds.total.spent_rate == D("42.1")
    by_funder = {code: totals for code, _, totals in funds.by_funder}
    assert list(by_funder) == ["fipd", "commune", "caf"]
    fipd = by_funder["fipd"]
    assert (fipd.planned, fipd.committed, fipd.spent) == (D("25000"), D("12000"), D("9000"))
    assert (fipd.committed_rate, fipd.spent_rate) == (D("48.0"), D("36.0"))
    assert (by_funder["caf"].committed_rate, by_funder["caf"].spent_rate) == (D("100.0"), D("25.0"))
    axes = {number: totals for number, _, totals in funds.by_axis}
    assert (axes["1"].planned, axes["1"].spent, axes["1"].spent_rate) == (
        D("30000"),
        D("14000"),
        D("46.7"),
    )
    assert (axes["2"].planned, axes["2"].spent_rate) == (D("8000"), D("25.0"))
    years = dict(funds.by_year)
    assert (years[2026].planned, years[2026].spent) == (D("28000"), D("16000"))
    assert (years[2027].planned, years[2027].spent_rate) == (D("10000"), D("0.0"))
    assert all(isinstance(t.planned, Decimal) for _, _, t in funds.by_funder)


def test_cost_per_unit_of_activity(world: World, funded: Action) -> None:
    """14,000 spent in 2026 (all funders) for 160 validated mediations: 87.50 per mediation;
    2027's submitted value does not count, nor its spending."""
    rows = {row.action.pk: row for row in strategy_funds(world.strategy).actions}
    (cost,) = rows[world.action.pk].costs
    assert (cost.years, cost.spent, cost.units, cost.cost) == (
        [2026],
        D("14000"),
        D("160"),
        D("87.50"),
    )
    (none,) = rows[funded.pk].costs
    assert none.cost is None and none.note == "non calculable : aucune valeur validée"


def test_cost_per_unit_never_divides_by_zero(world: World, funded: Action) -> None:
    use = funded.indicators.get()
    value(use, datetime.date(2026, 1, 1), "0", MeasurementStatus.VALIDATED)
    rows = {row.action.pk: row for row in strategy_funds(world.strategy).actions}
    (cost,) = rows[funded.pk].costs
    assert cost.cost is None
    assert cost.note == "non calculable : aucune unité réalisée les années renseignées"


def test_rates_without_planned_amount_are_not_computed(world: World) -> None:
    line(world.action, Funder.EPCI, 2026, "0", "0", "0")
    funds = strategy_funds(world.strategy)
    epci = next(t for code, _, t in funds.by_funder if code == "epci")
    assert epci.spent_rate is None and epci.committed_rate is None


def test_page_lists_totals_and_export_links(login, world: World, funded: Action) -> None:  # type: ignore[no-untyped-def]
    response = login(world.reader).get(reverse("evaluation:funds", args=[world.strategy.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "25\u202f000\u00a0€" in html and "36,0 %" in html and "87,50\u00a0€" in html
    assert reverse("evaluation:funds_csv", args=[world.strategy.pk, "fipd"]) in html


def test_csv_per_funder_has_semicolons_and_decimal_commas(
    login, world: World, funded: Action
) -> None:  # type: ignore[no-untyped-def]
    url = reverse("evaluation:funds_csv", args=[world.strategy.pk, "fipd"])
    response = login(world.reader).get(url)
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffAxe;Objectif;")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[1][2:] == [
        "1.1.1",
        "Médiation de nuit dans les quartiers",
        "Préfecture de la Seine-Maritime",
        "FIPD (fonds interministériel de prévention de la délinquance)",
        "",
        "2026",
        "15000,00",
        "12000,00",
        "9000,00",
        "80,0",
        "60,0",
    ]
    assert rows[-1][0] == "Total" and rows[-1][8:] == [
        "25000,00",
        "12000,00",
        "9000,00",
        "48,0",
        "36,0",
    ]
    assert len(rows) == 4  # header, two FIPD lines, total: the commune's and CAF's are not there


def test_xlsx_per_funder_holds_numbers(login, world: World, funded: Action) -> None:  # type: ignore[no-untyped-def]
    url = reverse("evaluation:funds_xlsx", args=[world.strategy.pk, "caf"])
    response = login(world.coordinator).get(url)
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "Axe"
    assert rows[2][3] == "Chantiers éducatifs" and rows[2][8:11] == (8000, 8000, 2000)
    assert rows[-1][0] == "Total" and rows[-1][12] == 25


def test_unknown_funder_is_404(login, world: World) -> None:  # type: ignore[no-untyped-def]
    url = reverse("evaluation:funds_csv", args=[world.strategy.pk, "inconnu"])
    assert login(world.coordinator).get(url).status_code == 404


def queries_for(client, url: str) -> int:  # type: ignore[no-untyped-def]
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_funds_page_queries_do_not_grow_with_actions(login, world: World, funded: Action) -> None:  # type: ignore[no-untyped-def]
    client = login(world.reader)
    url = reverse("evaluation:funds", args=[world.strategy.pk])
    before = queries_for(client, url)
    for n in range(5):
        action = second_action(world, f"Action {n}")
        line(action, Funder.FIPD, 2026, "1000", "500", "100")
        use = ActionIndicator.objects.create(
            action=action, definition=IndicatorDefinition.objects.get(name="Médiations réalisées")
        )
        value(use, datetime.date(2026, 1, 1), "10", MeasurementStatus.VALIDATED)
    assert queries_for(client, url) == before
