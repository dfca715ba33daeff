"""The demo's FIPD cycle on known answers: amounts reconcile to the cent with the strategy's
budget lines, the cap warning, the late report and its flag, the complete report."""

import datetime
from decimal import Decimal

from django.core.management import call_command
from django.urls import reverse

from stspd.accounts.models import User
from stspd.demo.funding import ASSOCIATION_LOGIN, MEDIATION, SOCIAL_WORKER, YOUNG
from stspd.funding import workflow
from stspd.funding.models import Application, Call, Payment
from stspd.funding.summary import strategy_grants
from stspd.strategy.enums import Funder
from stspd.strategy.models import BudgetLine, Strategy


def test_the_demo_fipd_cycle_reconciles_to_the_cent(db, client) -> None:  # type: ignore[no-untyped-def]
    call_command("demo")
    strategy = Strategy.objects.get(council__epci__siren="200023414")
    calls = {c.year: c for c in Call.objects.filter(departement__code="76")}
    assert set(calls) == {2025, 2026}
    assert calls[2025].report_due_on == datetime.date(2026, 6, 30)
    applications = Application.objects.filter(action__objective__axis__strategy=strategy)
    assert applications.filter(call__year=2025).count() == 2
    assert applications.filter(call__year=2026).count() == 4
    assert applications.values("action").distinct().count() == 4
    for application in applications:
        line = BudgetLine.objects.get(
            action=application.action, funder=Funder.FIPD, year=application.call.year
        )
        assert application.fipd_requested == line.planned
        budget = workflow.budget_of(application)
        assert budget.charges == budget.income
        assert application.opinion.decision.kind == "funding_opinion"
        for grant in application.grants.all():
            assert grant.amount == line.committed
            if application.call.year == 2025:
                assert workflow.paid(grant) == grant.amount
    over = [a for a in applications if workflow.budget_of(a).warning]
    assert [a.action.title for a in over] == [YOUNG]
    assert workflow.budget_of(over[0]).fipd_share == Decimal("75.0")

    mediation_2026 = applications.get(action__title=MEDIATION, call__year=2026)
    assert workflow.missing_reports(mediation_2026.action, calls[2026])
    social_2026 = applications.get(action__title=SOCIAL_WORKER, call__year=2026)
    assert workflow.missing_reports(social_2026.action, calls[2026]) == []
    report = applications.get(action__title=SOCIAL_WORKER, call__year=2025).report
    assert report.lines.exclude(explanation="").count() == 1

    rows = strategy_grants(strategy, datetime.date(2026, 12, 7))
    states = {r.application.action.title: r.report_state for r in rows if r.year == 2025}
    assert states == {MEDIATION: "en retard", SOCIAL_WORKER: "déposé le 02/03/2026"}
    assert sum(r.granted for r in rows) == sum(
        g.amount for a in applications for g in a.grants.all()
    )
    assert sum(r.paid for r in rows) == sum(p.amount for p in Payment.objects.all())

    # The association's member reads the call and edits only her own application.
    client.force_login(User.objects.get(email=ASSOCIATION_LOGIN))
    assert client.get(reverse("funding:application_edit", args=[social_2026.pk])).status_code == 200
    assert (
        client.get(reverse("funding:application_edit", args=[mediation_2026.pk])).status_code == 403
    )
    page = client.get(reverse("funding:call", args=[strategy.council.pk, calls[2026].pk]))
    assert "compte rendu précédent manquant" in page.content.decode()


def test_the_prefecture_view_counts_the_demo_fipd_cycle(db) -> None:  # type: ignore[no-untyped-def]
    """The département's FIPD figures on the demo, against the database and known answers."""
    from stspd.obligations.state import departement_view
    from stspd.territories.models import Departement

    call_command("demo")
    day = datetime.date(2026, 12, 7)
    view = departement_view(Departement.objects.get(code="76"), day, 2025)
    fipd = view.totals.fipd
    of_2025 = Application.objects.filter(call__year=2025)
    assert (fipd.applications, fipd.requested) == (
        of_2025.count(),
        sum((a.fipd_requested for a in of_2025), Decimal(0)),
    )
    assert fipd.granted == sum(g.amount for a in of_2025 for g in a.grants.all())
    assert fipd.paid == sum(
        p.amount for p in Payment.objects.filter(grant__application__in=of_2025)
    )
    # Known answers: two 2025 applications granted and paid in full; the mediation's report
    # (due 30 June 2026) is late, the association's was received.
    assert (fipd.applications, fipd.granted, fipd.paid, fipd.reports_late) == (
        2,
        Decimal("75000"),
        Decimal("75000"),
        1,
    )
    assert sum(row.fipd.applications for row in view.rows) == 2
