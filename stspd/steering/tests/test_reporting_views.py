"""Reporting pages driven by the test client: the lead's list, the form and each bad input,
validation and return by the coordinator, the values page, the evidence file."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stspd.audit.models import Event
from stspd.steering.enums import MeasurementStatus
from stspd.steering.models import Measurement
from stspd.strategy.enums import Status
from stspd.strategy.models import Action, ActionIndicator, ObjectiveIndicator, Strategy

from .reporting_helpers import PDF, PNG, in_force, measure, own_result, quarter


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def rw(world):  # type: ignore[no-untyped-def]
    return in_force(world)


def report_url(use, kind: str = "action") -> str:  # type: ignore[no-untyped-def]
    return reverse("steering:report", args=[kind, use.pk])


def post(client, use, period, kind="action", **data):  # type: ignore[no-untyped-def]
    payload = {"period": period.isoformat(), "state": "published", "value": "", "comment": ""}
    return client.post(report_url(use, kind), payload | data)


def test_lead_sees_missing_periods_first_and_late_ones_flagged(rw, login) -> None:  # type: ignore[no-untyped-def]
    measure(rw.use, quarter(rw, 2), 30)
    client = login(rw.partner)
    page = client.get(reverse("steering:my_reporting", args=[rw.council.pk])).content.decode()
    to_do, done = page.split('id="transmises"')
    assert "Médiations réalisées" in to_do
    assert f"T1 {rw.last_year}" in to_do and "manquante, en retard" in to_do
    assert f"T2 {rw.last_year}" not in to_do and f"T2 {rw.last_year}" in done
    # T1 is more overdue than T3: listed before it.
    assert to_do.index(f"T1 {rw.last_year}") < to_do.index(f"T3 {rw.last_year}")


def test_partner_outside_the_lead_organisation_reports_nothing(world, login) -> None:  # type: ignore[no-untyped-def]
    in_force(world)
    client = login(world.wg_unsigned)
    page = client.get(reverse("steering:my_reporting", args=[world.council.pk]))
    assert "Vous ne renseignez aucun indicateur" in page.content.decode()
    assert client.get(report_url(world.use)).status_code == 403
    assert post(client, world.use, quarter(world, 1), value="3").status_code == 403
    assert not Measurement.objects.exists()


def test_reader_is_told_readers_report_nothing(rw, login) -> None:  # type: ignore[no-untyped-def]
    page = login(rw.reader).get(reverse("steering:my_reporting", args=[rw.council.pk]))
    assert "Votre rôle de lecteur" in page.content.decode()


def test_french_decimal_comma_is_accepted_and_a_late_value_flagged(rw, login) -> None:  # type: ignore[no-untyped-def]
    client = login(rw.partner)
    response = post(client, rw.use, quarter(rw, 1), value="12,5", comment="Hiver calme")
    assert response.status_code == 302
    value = Measurement.objects.get()
    assert value.value == Decimal("12.5") and value.state == "published"
    assert value.status == MeasurementStatus.SUBMITTED and value.late
    assert value.submitted_by == rw.partner and value.comment == "Hiver calme"
    event = Event.objects.get(verb="reported")
    assert event.council == rw.council and event.changes["valeur"] == ["", "12,5"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("douze", "« douze » n&#x27;est pas un nombre"),
        ("12,5,3", "n&#x27;est pas un nombre"),
        ("-4", "ne peut pas être négative"),
        ("1,2345", "au plus 3 décimales"),
    ],
)
def test_a_bad_value_is_refused_with_its_reason_and_the_entry_kept(
    rw, login, typed, message
) -> None:  # type: ignore[no-untyped-def]
    response = post(login(rw.partner), rw.use, quarter(rw, 1), value=typed, comment="Mon texte")
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert f'value="{typed}"' in page and "Mon texte" in page  # nothing lost
    assert 'aria-describedby="id_value' in page or "id_value-desc-error" in page
    assert not Measurement.objects.exists()


def test_a_percentage_above_100_is_refused(rw, login) -> None:  # type: ignore[no-untyped-def]
    use = own_result(rw, unit="taux de réitération (%)")
    response = post(login(rw.coordinator), use, rw.strategy.starts_on, "objectif", value="112")
    assert "ne dépasse pas 100" in response.content.decode()
    assert (
        post(login(rw.coordinator), use, rw.strategy.starts_on, "objectif", value="12").status_code
        == 302
    )


def test_periods_outside_the_strategy_or_not_over_are_refused(rw, login) -> None:  # type: ignore[no-untyped-def]
    client = login(rw.partner)
    before = rw.strategy.starts_on.replace(year=rw.last_year - 1)
    page = post(client, rw.use, before, value="3").content.decode()
    assert "hors de la période de la stratégie" in page
    future = rw.strategy.ends_on.replace(month=10, day=1)
    assert "n&#x27;a pas commencé" in post(client, rw.use, future, value="3").content.decode()
    assert not Measurement.objects.exists()


def test_zero_and_not_communicated_states(rw, login) -> None:  # type: ignore[no-untyped-def]
    client = login(rw.partner)
    page = post(client, rw.use, quarter(rw, 1), state="zero", value="5").content.decode()
    assert "Vous avez choisi « zéro »" in page
    page = post(client, rw.use, quarter(rw, 1), state="published", value="").content.decode()
    assert "Saisissez la valeur" in page
    assert post(client, rw.use, quarter(rw, 1), state="suppressed").status_code == 302
    assert post(client, rw.use, quarter(rw, 2), state="published", value="0").status_code == 302
    states = dict(Measurement.objects.values_list("period_start", "state"))
    assert states == {quarter(rw, 1): "suppressed", quarter(rw, 2): "zero"}
    assert Measurement.objects.get(period_start=quarter(rw, 2)).value == 0


def test_implausible_value_is_saved_with_a_warning_shown_to_the_coordinator(rw, login) -> None:  # type: ignore[no-untyped-def]
    for n, value in [(1, 10), (2, 12), (3, 11)]:
        measure(rw.use, quarter(rw, n), value)
    response = post(login(rw.partner), rw.use, quarter(rw, 4), value="500")
    assert response.status_code == 302
    value = Measurement.objects.get(period_start=quarter(rw, 4))
    assert "plus de dix fois la médiane des 3 valeurs précédentes (11" in value.warning
    page = login(rw.coordinator).get(reverse("steering:values", args=[rw.strategy.pk]))
    assert "plus de dix fois la médiane" in page.content.decode()


def test_far_above_the_target_is_a_warning(rw, login) -> None:  # type: ignore[no-untyped-def]
    rw.use.target_value = Decimal(100)
    rw.use.save()
    post(login(rw.partner), rw.use, quarter(rw, 1), value="400")
    assert "dépasse de loin la cible (100" in Measurement.objects.get().warning


def test_a_second_submission_updates_the_value(rw, login) -> None:  # type: ignore[no-untyped-def]
    client = login(rw.partner)
    post(client, rw.use, quarter(rw, 1), value="12")
    assert post(client, rw.use, quarter(rw, 1), value="13").status_code == 302
    assert Measurement.objects.get().value == 13
    assert Event.objects.filter(verb="reported").count() == 2


def test_coordinator_returns_a_value_with_a_reason_and_the_lead_corrects_it(rw, login) -> None:  # type: ignore[no-untyped-def]
    post(login(rw.partner), rw.use, quarter(rw, 1), value="12")
    value = Measurement.objects.get()
    url = reverse("steering:measurement", args=[value.pk])
    coordinator = login(rw.coordinator)
    page = coordinator.post(url, {"action": "return", "reason": ""}).content.decode()
    assert "Ce champ est obligatoire" in page
    coordinator.post(url, {"action": "return", "reason": "Compter aussi les médiations du samedi"})
    value.refresh_from_db()
    assert value.status == MeasurementStatus.RETURNED and value.reviewed_by == rw.coordinator
    partner = login(rw.partner)
    page = partner.get(reverse("steering:my_reporting", args=[rw.council.pk])).content.decode()
    assert "Compter aussi les médiations du samedi" in page.split('id="transmises"')[0]
    post(partner, rw.use, quarter(rw, 1), value="15")
    value.refresh_from_db()
    assert value.status == MeasurementStatus.SUBMITTED and value.value == 15
    assert Event.objects.filter(verb="returned").count() == 1


def test_a_validated_value_is_changed_only_by_the_coordinator(rw, login) -> None:  # type: ignore[no-untyped-def]
    post(login(rw.partner), rw.use, quarter(rw, 1), value="12")
    value = Measurement.objects.get()
    url = reverse("steering:measurement", args=[value.pk])
    assert login(rw.partner).post(url, {"action": "validate"}).status_code == 403
    login(rw.coordinator).post(url, {"action": "validate"})
    value.refresh_from_db()
    assert value.status == MeasurementStatus.VALIDATED
    page = post(login(rw.partner), rw.use, quarter(rw, 1), value="99").content.decode()
    assert "déjà validée par le coordinateur" in page
    assert Measurement.objects.get().value == 12
    assert post(login(rw.coordinator), rw.use, quarter(rw, 1), value="14").status_code == 302
    value.refresh_from_db()
    assert value.value == 14 and value.status == MeasurementStatus.VALIDATED


def test_observatory_indicators_are_not_reported(rw, login) -> None:  # type: ignore[no-untyped-def]
    use = ObjectiveIndicator.objects.get(objective=rw.objective)
    client = login(rw.coordinator)
    page = client.get(report_url(use, "objectif")).content.decode()
    assert "se mettent à jour à chaque import" in page and "<form" not in page.split("<main")[1]
    response = post(client, use, rw.strategy.starts_on, "objectif", value="3")
    assert response.status_code == 400 and not Measurement.objects.exists()


def test_a_draft_strategy_takes_no_value(world, login) -> None:  # type: ignore[no-untyped-def]
    in_force(world)
    Strategy.objects.filter(pk=world.strategy.pk).update(status=Status.DRAFT)
    response = post(login(world.coordinator), world.use, quarter(world, 1), value="3")
    assert "une fois la stratégie adoptée" in response.content.decode()
    assert not Measurement.objects.exists()


def test_objective_indicator_is_reported_by_the_coordinator_and_the_actions_leads(
    rw, login
) -> None:  # type: ignore[no-untyped-def]
    use = own_result(rw)
    start = rw.strategy.starts_on
    page = login(rw.partner).get(reverse("steering:my_reporting", args=[rw.council.pk]))
    assert "Indicateur propre en victimes" in page.content.decode()
    assert post(login(rw.partner), use, start, "objectif", value="40").status_code == 302
    assert login(rw.wg_unsigned).get(report_url(use, "objectif")).status_code == 403
    assert Measurement.objects.get().objective_indicator == use


def xlsx() -> bytes:
    buffer = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(["mois", "médiations"])  # type: ignore[union-attr]
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("releve.pdf", PDF),
        ("releve.csv", "mois;médiations\n1;12\n".encode("cp1252")),
        ("releve.xlsx", xlsx()),
        ("photo.png", PNG),
        ("photo.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20),
    ],
)
def test_evidence_files_of_the_five_kinds_are_kept_and_downloaded(rw, login, name, content) -> None:  # type: ignore[no-untyped-def]
    client = login(rw.partner)
    upload = SimpleUploadedFile(name, content)
    response = post(client, rw.use, quarter(rw, 1), value="12", evidence=upload)
    assert response.status_code == 302
    value = Measurement.objects.get()
    download = client.get(reverse("steering:evidence", args=[value.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == content
    assert (
        login(rw.wg_unsigned).get(reverse("steering:evidence", args=[value.pk])).status_code == 403
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("faux.pdf", b"bonjour", "son contenu est un fichier CSV"),
        ("image.png", PDF, "son contenu est un fichier PDF"),
        ("tableur.xlsx", b"PK\x03\x04" + b"\x00" * 30, "pas un classeur XLSX lisible"),
        ("photo.jpeg", b"GIF89a", "son contenu est un fichier"),
        ("note.docx", b"PK\x03\x04", "seuls les fichiers PDF, CSV, XLSX, PNG et JPEG"),
        ("programme.exe", b"MZ\x90\x00", "seuls les fichiers PDF"),
    ],
)
def test_evidence_is_checked_by_its_content(rw, login, name, content, message) -> None:  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile(name, content)
    response = post(login(rw.partner), rw.use, quarter(rw, 1), value="12", evidence=upload)
    assert message in response.content.decode()
    assert not Measurement.objects.exists()


def test_evidence_over_10_mb_is_refused(rw, login) -> None:  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile("gros.pdf", PDF + b"0" * (10 * 1024 * 1024))
    response = post(login(rw.partner), rw.use, quarter(rw, 1), value="12", evidence=upload)
    assert "10 Mo au plus" in response.content.decode()
    assert not Measurement.objects.exists()


def test_values_page_lists_every_indicator_by_period_and_validates(rw, login) -> None:  # type: ignore[no-untyped-def]
    first = measure(rw.use, quarter(rw, 1), 12, status=MeasurementStatus.SUBMITTED, late=True)
    measure(rw.use, quarter(rw, 2), 14)
    client = login(rw.coordinator)
    page = client.get(reverse("steering:values", args=[rw.strategy.pk])).content.decode()
    assert "À examiner (1)" in page
    assert f'<th scope="col">T1 {rw.last_year}</th>' in page
    assert "Destructions et dégradations volontaires" in page  # the observatory's, read-only
    client.post(
        reverse("steering:measurement", args=[first.pk]),
        {"action": "validate", "next": "valeurs"},
    )
    first.refresh_from_db()
    assert first.status == MeasurementStatus.VALIDATED and first.reviewed_by == rw.coordinator
    assert Event.objects.filter(verb="validated").count() == 1


def test_strategy_page_links_to_reporting(rw, login) -> None:  # type: ignore[no-untyped-def]
    page = login(rw.coordinator).get(rw.strategy.get_absolute_url()).content.decode()
    assert reverse("steering:my_reporting", args=[rw.council.pk]) in page
    assert reverse("steering:values", args=[rw.strategy.pk]) in page
    page = login(rw.partner).get(rw.strategy.get_absolute_url()).content.decode()
    assert reverse("steering:values", args=[rw.strategy.pk]) not in page


def test_values_page_queries_do_not_grow_with_actions(rw, login) -> None:  # type: ignore[no-untyped-def]
    client = login(rw.coordinator)
    url = reverse("steering:values", args=[rw.strategy.pk])
    measure(rw.use, quarter(rw, 1), 12, status=MeasurementStatus.SUBMITTED)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        action = Action.objects.create(objective=rw.objective, title=f"A{n}", lead=rw.organisation)
        use = ActionIndicator.objects.create(action=action, definition=rw.use.definition)
        measure(use, quarter(rw, 1), 12, status=MeasurementStatus.SUBMITTED)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert page.count("Valider<span") == 6
    assert len(many) == len(few)
