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
