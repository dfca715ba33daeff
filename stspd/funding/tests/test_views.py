"""The funding pages as people use them: the lead's own applications, the préfecture's reading,
French refusals on the forms with nothing stored, and the documents' contents."""

import io
from decimal import Decimal

from django.urls import reverse
from openpyxl import load_workbook  # type: ignore[import-untyped]  # no stubs
from pypdf import PdfReader

from stspd.accounts.enums import OrganisationKind
from stspd.accounts.models import Membership, Organisation
from stspd.conftest import make_user
from stspd.councils.enums import Role
from stspd.councils.models import CouncilRole
from stspd.funding.models import Application, Programme
from stspd.funding.rules import euros
from stspd.funding.workflow import create_application
from stspd.strategy.models import Action

from .helpers import make_application, make_call

D = Decimal


def lead_member(world):  # type: ignore[no-untyped-def]
    """A partner of the council working for the association that leads the cast's fiche."""
    association = Organisation.objects.create(
        name="Association Prévention Rouen", kind=OrganisationKind.ASSOCIATION
    )
    world.action.lead = association
    world.action.save()
    user = make_user("asso@example.org", "Amel", "Kaci")
    Membership.objects.create(user=user, organisation=association)
    CouncilRole.objects.create(council=world.council, user=user, role=Role.PARTNER)
    return user


def other_action(world) -> Action:  # type: ignore[no-untyped-def]
    return Action.objects.create(
        objective=world.objective, position=2, title="Chantiers éducatifs", lead=world.organisation
    )


def form_data(**changes: str) -> dict[str, str]:
    data = {
        "programme": str(Programme.objects.get(letter="D").pk),
        "title": "Médiation de nuit",
        "objectives": "Réduire les dégradations",
        "fipd_requested": "10000",
        "compte_61": "4000",
        "compte_64": "16000",
        "compte_74": "15000",
        "compte_75": "5000",
    }
    return data | changes


def test_the_lead_prepares_its_own_application_and_not_anothers(world, client) -> None:  # type: ignore[no-untyped-def]
    user = lead_member(world)
    call = make_call()
    client.force_login(user)
    url = reverse("funding:application_add", args=[world.action.pk, call.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Médiation de nuit dans les quartiers" in page.content.decode()  # pre-filled
    response = client.post(url, form_data())
    application = Application.objects.get()
    assert response["Location"] == application.get_absolute_url()
    assert client.get(reverse("funding:application_edit", args=[application.pk])).status_code == 200
    # Another lead's fiche and its application: read, never written.
    other = other_action(world)
    assert (
        client.get(reverse("funding:application_add", args=[other.pk, call.pk])).status_code == 403
    )
    theirs = create_application(
        other,
        call,
        programme=Programme.objects.get(letter="D"),
        priority=None,
        sheet={"title": "Chantiers éducatifs"},
        fipd=D("5000"),
        amounts={"64": D("10000"), "74": D("10000")},
        by=world.coordinator,
    )
    assert client.get(theirs.get_absolute_url()).status_code == 200
    assert client.get(reverse("funding:application_edit", args=[theirs.pk])).status_code == 403
    assert client.get(reverse("funding:grant_add", args=[application.pk])).status_code == 403
    call_page = client.get(reverse("funding:call", args=[world.council.pk, call.pk])).content
    assert "votre demande" in call_page.decode()


def test_an_unbalanced_budget_on_the_form_is_refused_with_its_gap(world, client) -> None:  # type: ignore[no-untyped-def]
    call = make_call()
    client.force_login(world.coordinator)
    url = reverse("funding:application_add", args=[world.action.pk, call.pk])
    response = client.post(url, form_data(compte_75="4000"))
    assert response.status_code == 400
    text = response.content.decode()
    assert "n&#x27;est pas équilibré" in text or "n'est pas équilibré" in text
    assert f"écart {euros(D(1000))}" in text
    response = client.post(url, form_data(compte_60="-3"))
    assert response.status_code == 400
    assert "Un montant est positif ou nul." in response.content.decode()
    assert not Application.objects.exists()


def test_over_the_cap_the_page_warns_with_the_rule(world, client) -> None:  # type: ignore[no-untyped-def]
    application = make_application(world, fipd=D("12000"))
    client.force_login(world.partner)  # the préfecture's agent reads the council's applications
    text = client.get(application.get_absolute_url()).content.decode()
    assert "Au-delà du plafond" in text
    assert "Le FIPD finance au plus 50 %" in text
    # Nothing of the working group's meetings reaches an application.
    assert "SECRET" not in text


def test_a_payment_above_the_grant_is_refused_on_the_form(world, client) -> None:  # type: ignore[no-untyped-def]
    application = make_application(world)
    client.force_login(world.coordinator)
    grant_url = reverse("funding:grant_add", args=[application.pk])
    programme = Programme.objects.get(letter="D").pk
    client.post(grant_url, {"programme": programme, "amount": "9000", "decided_on": "2025-05-20"})
    grant = application.grants.get()
    pay = reverse("funding:payment_add", args=[grant.pk])
    response = client.post(pay, {"amount": "9000,01", "paid_on": "2025-06-01"})
    assert response.status_code == 400
    assert "au-delà de la subvention accordée" in response.content.decode()
    assert not grant.payments.exists()
    assert client.post(pay, {"amount": "9000", "paid_on": "2025-06-01"}).status_code == 302


def test_the_documents_carry_the_budget_to_the_cent(world, client) -> None:  # type: ignore[no-untyped-def]
    application = make_application(
        world,
        fipd=D("9999.99"),
        amounts={"61": D("4000.01"), "64": D("15999.99"), "74": D("15000"), "75": D("5000")},
    )
    client.force_login(world.reader)
    pdf = client.get(reverse("funding:application_pdf", args=[application.pk]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Budget prévisionnel du projet" in text
    assert "SECRET" not in text
    assert "4 000,01" in text.replace("\u202f", " ").replace("\xa0", " ")
    sheet = client.get(reverse("funding:application_xlsx", args=[application.pk]))
    workbook = load_workbook(io.BytesIO(sheet.content))
    assert workbook.sheetnames == ["6 - Projet", "6 - Budget du projet", "Cofinancements"]
    budget = {
        row[1]: row[2]
        for row in workbook["6 - Budget du projet"].iter_rows(values_only=True)
        if row[1]
    }
    assert budget["Total des charges"] == budget["Total des produits"] == 20000
    assert budget["61 - Services extérieurs"] == 4000.01
    assert any(str(k).startswith("dont État — FIPD") and v == 9999.99 for k, v in budget.items())


def test_the_evaluation_funds_page_reads_the_grants(world, client) -> None:  # type: ignore[no-untyped-def]
    import datetime

    from stspd.funding.rules import euros as in_euros
    from stspd.funding.workflow import record_grant, record_payment

    application = make_application(world)
    grant = record_grant(
        application,
        programme=Programme.objects.get(letter="D"),
        amount=D("9000.50"),
        decided_on=datetime.date(2025, 5, 20),
        by=world.coordinator,
    )
    record_payment(
        grant, amount=D("5400.25"), paid_on=datetime.date(2025, 6, 1), by=world.coordinator
    )
    client.force_login(world.reader)
    text = client.get(reverse("evaluation:funds", args=[world.strategy.pk])).content.decode()
    assert in_euros(D("9000.50")) in text
    assert in_euros(D("5400.25")) in text
    assert "30/06/2026" in text


def test_the_coordinator_records_the_opinions_and_the_prefecture_reads_the_list(
    world, client
) -> None:  # type: ignore[no-untyped-def]
    application = make_application(world)
    call = application.call
    client.force_login(world.coordinator)
    url = reverse("funding:opinions", args=[world.council.pk, call.pk])
    assert client.get(url).status_code == 200
    avis, motif = f"avis_{application.pk}", f"motif_{application.pk}"
    response = client.post(url, {"meeting": world.plenary_meeting.pk, avis: "unfavourable"})
    assert response.status_code == 400
    assert "est motivé" in response.content.decode()
    assert not world.plenary_meeting.decisions.filter(kind="funding_opinion").exists()
    data = {"meeting": world.plenary_meeting.pk, avis: "unfavourable", motif: "Hors priorités"}
    assert client.post(url, data).status_code == 302
    decision = world.plenary_meeting.decisions.get(kind="funding_opinion")
    assert "défavorable — Hors priorités" in decision.text
    # The working group's meeting is not offered: its content never reaches the opinion.
    assert str(world.group_meeting.pk) not in [
        str(choice[0].value) if hasattr(choice[0], "value") else str(choice[0])
        for choice in client.get(url).context["form"].fields["meeting"].choices
    ]
    client.force_login(world.partner)
    sheet = client.get(reverse("funding:opinions_xlsx", args=[world.council.pk, call.pk]))
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[2][0] == application.title
    assert rows[2][6] == "Défavorable" and rows[2][7] == "Hors priorités"
    assert rows[2][3] == 20000 and rows[2][4] == 10000
    pdf = client.get(reverse("funding:opinions_pdf", args=[world.council.pk, call.pk]))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Défavorable Hors priorités" in " ".join(text.split())


def test_the_report_form_refuses_an_unexplained_gap_and_then_files_the_report(  # type: ignore[no-untyped-def]
    world, client, settings
) -> None:
    import datetime

    from stspd.funding.workflow import record_grant

    application = make_application(world)
    record_grant(
        application,
        programme=Programme.objects.get(letter="D"),
        amount=D("9000"),
        decided_on=datetime.date(2025, 5, 20),
        by=world.coordinator,
    )
    client.force_login(world.coordinator)
    url = reverse("funding:report_add", args=[application.pk])
    page = client.get(url)
    assert "Médiations réalisées : aucune valeur validée" in page.content.decode()
    data = {
        "qualitative": "Bilan de l'année",
        "reel_61": "4000",
        "reel_64": "16000",
        "reel_74": "15000",
        "reel_75": "7000",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "75 - Autres produits de gestion courante" in response.content.decode()
    assert client.post(url, data | {"ecart_75": "Dons"}).status_code == 302
    assert application.report.lines.get(account="75").actual == D("7000")


def test_the_qualitative_report_starts_from_the_fiches_appraisal(world, client) -> None:  # type: ignore[no-untyped-def]
    import datetime

    from stspd.evaluation.models import Appraisal
    from stspd.funding.workflow import record_grant

    application = make_application(world)
    record_grant(
        application,
        programme=Programme.objects.get(letter="D"),
        amount=D("9000"),
        decided_on=datetime.date(2025, 5, 20),
        by=world.coordinator,
    )
    Appraisal.objects.create(
        action=world.action,
        year=2025,
        implementation="as_planned",
        effects="Moins de dégradations aux abords des halls.",
        recommendation="continue",
        reasons="Besoin confirmé.",
    )
    client.force_login(world.coordinator)
    text = client.get(reverse("funding:report_add", args=[application.pk])).content.decode()
    assert "Moins de dégradations aux abords des halls." in text
    assert "Besoin confirmé." in text
