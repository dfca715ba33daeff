"""The funding cycle's verbs on known answers: balance, cap, co-funders, grants, payments and
reports, with their refusals (French, nothing stored)."""

import datetime
from decimal import Decimal

import pytest

from stspd.audit.models import Event
from stspd.councils.enums import DecisionKind
from stspd.funding import rules, workflow
from stspd.funding.enums import CoFundingState, OpinionKind
from stspd.funding.models import Application, CoFunding, Funder, Grant, Payment, Programme, Report
from stspd.funding.workflow import FundingRefused

from .helpers import BALANCED, make_application, make_call

D = Decimal


def test_the_report_of_a_2025_grant_under_a_six_month_rule_is_due_on_30_june_2026() -> None:
    assert rules.report_due_on(2025, 6) == datetime.date(2026, 6, 30)
    assert rules.report_due_on(2025, 3) == datetime.date(2026, 3, 31)
    assert rules.report_due_on(2025, 14) == datetime.date(2027, 2, 28)


def test_an_unbalanced_budget_is_refused_with_its_gap_and_nothing_is_stored(world) -> None:  # type: ignore[no-untyped-def]
    events = Event.objects.count()
    with pytest.raises(FundingRefused) as refusal:
        make_application(world, amounts=BALANCED | {"75": D("4999.50")})
    message = str(refusal.value)
    assert "n'est pas équilibré" in message
    assert f"écart {rules.euros(D('0.50'))}" in message
    assert "les charges dépassent les produits" in message
    assert not Application.objects.exists()
    assert Event.objects.count() == events


def test_a_negative_amount_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FundingRefused, match="montant négatif"):
        make_application(world, amounts=BALANCED | {"60": D("-1")})
    assert not Application.objects.exists()


def test_the_fipd_share_is_part_of_account_74(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FundingRefused, match="compte 74"):
        make_application(world, fipd=D("15000.01"))


def test_sixty_percent_under_a_fifty_percent_cap_warns_with_the_rule_quoted(world) -> None:  # type: ignore[no-untyped-def]
    application = make_application(world, fipd=D("12000"))
    budget = workflow.budget_of(application)
    assert budget.charges == budget.income == D("20000")
    assert budget.fipd_share == D("60.0")
    assert "représente 60,0 % du coût" in budget.warning
    assert "plafond de 50 %" in budget.warning
    assert "« Le FIPD finance au plus 50 % du coût total de l'action. »" in budget.warning
    assert Event.objects.filter(verb="created", object_id=str(application.pk)).exists()


def test_at_the_cap_there_is_no_warning(world) -> None:  # type: ignore[no-untyped-def]
    assert workflow.budget_of(make_application(world, fipd=D("10000"))).warning == ""


def test_the_project_sheet_is_prefilled_from_the_fiche_action(world) -> None:  # type: ignore[no-untyped-def]
    sheet = workflow.prefill(world.action)
    assert sheet["title"] == "Médiation de nuit dans les quartiers"
    assert "Réduire les dégradations de biens publics" in sheet["objectives"]
    assert "Dégradations nocturnes" in sheet["objectives"]
    assert "Médiations réalisées" in sheet["indicators"]


def test_a_co_funder_granting_more_than_requested_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    application = make_application(world)
    caf = Funder.objects.get(code="caf")
    with pytest.raises(FundingRefused, match="dépasse le montant demandé"):
        workflow.set_co_funding(
            application,
            funder=caf,
            requested=D("3000"),
            granted=D("3000.01"),
            state=CoFundingState.GRANTED,
            by=world.coordinator,
        )
    with pytest.raises(FundingRefused, match="négatif"):
        workflow.set_co_funding(
            application,
            funder=caf,
            requested=D("-5"),
            granted=None,
            state=CoFundingState.REQUESTED,
            by=world.coordinator,
        )
    assert not CoFunding.objects.exists()
    line = workflow.set_co_funding(
        application,
        funder=caf,
        requested=D("3000"),
        granted=D("2500"),
        state=CoFundingState.GRANTED,
        by=world.coordinator,
    )
    assert line.granted == D("2500")


def grant(world, application, amount="9000"):  # type: ignore[no-untyped-def]
    return workflow.record_grant(
        application,
        programme=Programme.objects.get(letter="D"),
        amount=D(amount),
        decided_on=datetime.date(2025, 5, 20),
        by=world.coordinator,
    )


def test_a_grant_gets_its_report_due_date_from_the_calls_rule(world) -> None:  # type: ignore[no-untyped-def]
    found = grant(world, make_application(world))
    assert found.report_due_on == datetime.date(2026, 6, 30)


def test_a_granted_application_is_no_longer_edited(world) -> None:  # type: ignore[no-untyped-def]
    application = make_application(world)
    grant(world, application)
    with pytest.raises(FundingRefused, match="ne se modifie plus"):
        workflow.update_application(
            application,
            programme=application.programme,
            priority=None,
            sheet={"title": "Autre"},
            fipd=D("5000"),
            amounts=BALANCED,
            by=world.coordinator,
        )
    application.refresh_from_db()
    assert application.fipd_requested == D("10000") and application.title == "Médiation de nuit"


def test_payments_reconcile_to_the_cent_and_never_exceed_the_grant(world) -> None:  # type: ignore[no-untyped-def]
    found = grant(world, make_application(world), "9000.00")
    workflow.record_payment(
        found, amount=D("5400.00"), paid_on=datetime.date(2025, 6, 1), by=world.coordinator
    )
    workflow.record_payment(
        found, amount=D("3599.99"), paid_on=datetime.date(2025, 9, 1), by=world.coordinator
    )
    events = Event.objects.count()
    with pytest.raises(FundingRefused, match="au-delà de la subvention accordée"):
        workflow.record_payment(
            found, amount=D("0.02"), paid_on=datetime.date(2025, 12, 1), by=world.coordinator
        )
    with pytest.raises(FundingRefused, match="positif"):
        workflow.record_payment(
            found, amount=D("-1"), paid_on=datetime.date(2025, 12, 1), by=world.coordinator
        )
    assert Event.objects.count() == events
    assert Payment.objects.count() == 2
    assert workflow.paid(found) == D("8999.99")
    workflow.record_payment(
        found, amount=D("0.01"), paid_on=datetime.date(2025, 12, 1), by=world.coordinator
    )
    assert workflow.paid(found) == found.amount == D("9000.00")


def test_a_negative_grant_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FundingRefused, match="négatif"):
        grant(world, make_application(world), "-100")
    assert not Grant.objects.exists()


def test_opinions_are_a_decision_of_the_meeting(world) -> None:  # type: ignore[no-untyped-def]
    application = make_application(world)
    call = application.call
    with pytest.raises(FundingRefused, match="est motivé"):
        workflow.record_opinions(
            world.plenary_meeting,
            call,
            {application: (OpinionKind.RESERVED, "")},
            by=world.coordinator,
        )
    with pytest.raises(FundingRefused, match="plénière ou restreinte"):
        workflow.record_opinions(
            world.group_meeting,
            call,
            {application: (OpinionKind.FAVOURABLE, "")},
            by=world.coordinator,
        )
    decision = workflow.record_opinions(
        world.plenary_meeting,
        call,
        {application: (OpinionKind.RESERVED, "Budget à préciser")},
        by=world.coordinator,
    )
    assert decision.kind == DecisionKind.FUNDING_OPINION
    assert "réservé — Budget à préciser" in decision.text
    application.refresh_from_db()
    assert application.opinion.decision == decision


def report(world, application, today, **changes):  # type: ignore[no-untyped-def]
    arguments = {
        "actual": {"61": D("4000"), "64": D("16000"), "74": D("14000"), "75": D("6000")},
        "explanations": {},
        "qualitative": "Bilan",
        "today": today,
        "by": world.coordinator,
    }
    return workflow.submit_report(application, **(arguments | changes))


def test_a_report_before_the_year_ends_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    application = make_application(world)
    grant(world, application)
    with pytest.raises(FundingRefused, match="après sa clôture"):
        report(world, application, datetime.date(2025, 12, 31))
    assert not Report.objects.exists()


def test_a_gap_over_fifteen_percent_needs_its_explanation(world) -> None:  # type: ignore[no-untyped-def]
    application = make_application(world)
    grant(world, application)
    # 75: forecast 5,000, actual 6,000: +20 %; 74: -6.7 %, no explanation needed.
    with pytest.raises(FundingRefused, match="75 - Autres produits"):
        report(world, application, datetime.date(2026, 2, 1))
    assert not Report.objects.exists()
    done = report(
        world,
        application,
        datetime.date(2026, 2, 1),
        explanations={"75": "Cotisations plus nombreuses"},
    )
    lines = {line.account: line for line in done.lines.all()}
    assert lines["75"].forecast == D("5000") and lines["75"].actual == D("6000")
    assert rules.gap_percent(D("5000"), D("6000")) == D("20.0")


def test_a_missing_report_flags_the_next_application_or_blocks_it(world) -> None:  # type: ignore[no-untyped-def]
    first = make_application(world)
    grant(world, first)
    call_2026 = make_call(2026, blocks=True)
    with pytest.raises(FundingRefused, match="compte rendu de la subvention 2025"):
        make_application(world, call_2026)
    call_2026.blocks_without_report = False
    call_2026.save()
    second = make_application(world, call_2026)
    assert "2025" in workflow.missing_report_text(
        workflow.missing_reports(second.action, call_2026)
    )
    report(world, first, datetime.date(2026, 1, 10), explanations={"75": "Cotisations"})
    assert workflow.missing_reports(second.action, call_2026) == []


def test_deleting_the_opinion_decision_removes_the_opinion(world, client) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    from stspd.funding.models import Opinion

    application = make_application(world)
    decision = workflow.record_opinions(
        world.plenary_meeting,
        application.call,
        {application: (OpinionKind.FAVOURABLE, "")},
        by=world.coordinator,
    )
    client.force_login(world.coordinator)
    response = client.post(reverse("councils:decision_delete", args=[decision.pk]))
    assert response.status_code == 302
    assert not Opinion.objects.exists()
    assert Application.objects.filter(pk=application.pk).exists()
