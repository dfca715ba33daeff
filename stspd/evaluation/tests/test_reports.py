"""The annual review and the final evaluation (PDF and Word) and the funder's sheet (PDF)."""

import datetime
import io
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from stspd.conftest import World
from stspd.evaluation.models import Appraisal
from stspd.steering.models import Measurement
from stspd.strategy.enums import Funder
from stspd.strategy.models import BudgetLine

from .conftest import Panel

CONCLUSION = "plus marquée que dans les communes comparables"


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def appraise(world: World) -> None:
    Appraisal.objects.create(
        objective=world.objective,
        year=2026,
        implementation="as_planned",
        effects="Les dégradations baissent.",
        recommendation="continue",
        reasons="Résultats conformes à la cible.",
        validated_at=timezone.now(),
    )
    Appraisal.objects.create(
        action=world.action,
        year=2026,
        implementation="partly",
        recommendation="adjust",
        reasons="Renforcer la présence le samedi.",
        validated_at=timezone.now(),
    )


def test_annual_review_pdf_holds_objectives_conclusions_and_appraisals(
    login,  # type: ignore[no-untyped-def]
    world: World,
    panel: Panel,
) -> None:
    appraise(world)
    url = reverse("evaluation:annual_pdf", args=[world.strategy.pk, 2026])
    response = login(world.reader).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Bilan annuel 2026" in text
    assert "Réduire les dégradations de biens publics" in text
    assert CONCLUSION in text
    assert "Résultats conformes à la cible." in text and "Renforcer la présence le samedi." in text


def test_annual_review_of_another_year_has_no_appraisal_of_2026(login, world: World) -> None:  # type: ignore[no-untyped-def]
    appraise(world)
    url = reverse("evaluation:annual_pdf", args=[world.strategy.pk, 2027])
    text = pdf_text(login(world.reader).get(url).content)
    assert "Aucune appréciation qualitative pour 2027" in text
    assert "Résultats conformes à la cible." not in text


def test_final_evaluation_word_file_opens_and_holds_them(login, world: World, panel: Panel) -> None:  # type: ignore[no-untyped-def]
    appraise(world)
    url = reverse("evaluation:final_docx", args=[world.strategy.pk])
    response = login(world.coordinator).get(url)
    assert response.status_code == 200
    text = docx_text(response.content)
    assert "Rapport d'évaluation finale" in text
    assert "Objectif 1.1 — Réduire les dégradations de biens publics" in text
    assert CONCLUSION in text
    assert "Résultats conformes à la cible." in text
    assert "Ajuster : Renforcer la présence le samedi." in text


def test_final_evaluation_pdf(login, world: World) -> None:  # type: ignore[no-untyped-def]
    response = login(world.reader).get(reverse("evaluation:final_pdf", args=[world.strategy.pk]))
    text = pdf_text(response.content)
    assert "Rapport d'évaluation finale" in text and "Médiation de nuit dans les quartiers" in text


def test_a_year_outside_the_period_has_no_review(login, world: World) -> None:  # type: ignore[no-untyped-def]
    url = reverse("evaluation:annual_docx", args=[world.strategy.pk, 2031])
    assert login(world.reader).get(url).status_code == 404


def test_funder_sheet_of_an_action(login, world: World) -> None:  # type: ignore[no-untyped-def]
    """15,000 planned, 12,000 committed, 6,000 spent by the FIPD in 2026; 48 mediations
    validated: 125 per mediation; the latest appraisal's recommendation."""
    BudgetLine.objects.filter(action=world.action).update(
        committed=Decimal(12000), spent=Decimal(6000)
    )
    Measurement.objects.create(
        action_indicator=world.action.indicators.get(),
        period_start=datetime.date(2026, 1, 1),
        value=Decimal(48),
        status="validated",
        submitted_at=timezone.now(),
    )
    appraise(world)
    url = reverse("evaluation:action_sheet", args=[world.action.pk])
    response = login(world.partner).get(url)
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Fiche d'évaluation de l'action 1.1.1" in text
    assert "Médiation de nuit dans les quartiers" in text
    assert "Réduire les dégradations de biens publics" in text
    assert Funder.FIPD.label in text
    assert "15 000 €" in text and "12 000 €" in text and "6 000 €" in text
    assert "125 € par" in text
    assert "Recommandation : Ajuster" in text


def test_annual_review_money_and_reports_stop_at_its_date(world: World) -> None:
    """A 2025 grant paid 4,000 in 2025 and 3,000 in 2026, its report filed in 2026: the 2025
    review ("situation au 31/12/2025") shows 4,000 paid and the report still to come; the
    final evaluation, dated today, shows 7,000 and the report filed. A grant decided in 2026 on
    the same application is not in the 2025 review either."""
    from stspd.evaluation.reports import build_report
    from stspd.funding.models import Grant, Payment, Programme
    from stspd.funding.models import Report as FundingReport
    from stspd.funding.tests.helpers import make_application, make_call

    application = make_application(world, make_call(2025))
    grant = Grant.objects.create(
        application=application,
        programme=application.programme,
        amount=Decimal("9000"),
        decided_on=datetime.date(2025, 6, 1),
        report_due_on=datetime.date(2026, 6, 30),
    )
    Payment.objects.create(grant=grant, amount=Decimal("4000"), paid_on=datetime.date(2025, 7, 1))
    Payment.objects.create(grant=grant, amount=Decimal("3000"), paid_on=datetime.date(2026, 3, 1))
    other = Programme.objects.exclude(pk=application.programme.pk).first()
    assert other is not None
    Grant.objects.create(
        application=application,
        programme=other,
        amount=Decimal("500"),
        decided_on=datetime.date(2026, 2, 1),
        report_due_on=datetime.date(2027, 6, 30),
    )
    FundingReport.objects.create(
        application=application, submitted_on=datetime.date(2026, 2, 15), qualitative="Fait."
    )
    (annual,) = build_report(world.strategy, 2025).grants
    assert annual.paid == Decimal("4000") and annual.granted == Decimal("9000")
    assert annual.report_state == "à venir"
    (final,) = build_report(world.strategy).grants
    assert final.paid == Decimal("7000")
    assert final.granted == Decimal("9500")
    assert final.report_state == "déposé le 15/02/2026"
