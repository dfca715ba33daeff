"""Publishing an annual review on the portal: the coordinator's decision, the public version
only (public result indicators, validated values), never during a revision, replaced or
withdrawn cleanly."""

import io

from django.urls import reverse
from pypdf import PdfReader

from stspd.audit.models import Event
from stspd.evaluation.models import PublishedReport
from stspd.evaluation.reports import build_report, report_pdf
from stspd.public.tests.test_confidentiality import seed
from stspd.strategy.enums import Status
from stspd.strategy.models import Strategy


def text_of(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def in_force(world):  # type: ignore[no-untyped-def]
    Strategy.objects.filter(pk=world.strategy.pk).update(status=Status.IN_FORCE)
    world.strategy.refresh_from_db()


def publish_url(world, year=2026, verb="publish_annual"):  # type: ignore[no-untyped-def]
    return reverse(f"evaluation:{verb}", args=[world.strategy.pk, year])


def test_the_public_version_leaves_out_what_the_council_keeps_to_itself(world) -> None:  # type: ignore[no-untyped-def]
    seed(world)
    internal = text_of(report_pdf(build_report(world.strategy, 2026)))
    public = text_of(report_pdf(build_report(world.strategy, 2026, public=True)))
    assert "SECRET-INDICATOR" in internal
    assert "SECRET-INDICATOR" not in public
    assert "Vols chez le bailleur" in public  # a public reported indicator
    assert "(version publique)" in public


def test_the_coordinator_publishes_and_the_portal_serves_the_frozen_pdf(  # type: ignore[no-untyped-def]
    world, client, django_capture_on_commit_callbacks
) -> None:
    seed(world)  # the seed publishes 2026 while in force, then opens a revision
    in_force(world)
    client.force_login(world.coordinator)
    first = PublishedReport.objects.get(strategy=world.strategy, year=2026)
    old_name, storage = first.pdf.name, first.pdf.storage
    public_url = reverse("public:annual_report", args=[world.council.pk, 2026])
    stable_url = reverse("public:archive_report", args=[world.council.pk, world.strategy.pk, 2026])
    page = client.get(reverse("public:council", args=[world.council.pk])).content.decode()
    assert stable_url in page
    # Published again: a new file replaces the old one, which is deleted once committed.
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(publish_url(world)).status_code == 302
    again = PublishedReport.objects.get(strategy=world.strategy, year=2026)
    assert again.pk == first.pk and again.pdf.name != old_name
    assert storage.exists(again.pdf.name) and not storage.exists(old_name)
    assert Event.objects.filter(verb="published").count() == 2
    response = client.get(public_url)
    assert response.status_code == 200
    assert "Bilan annuel 2026" in text_of(response.content)
    # Withdrawn: gone from the portal.
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(publish_url(world, verb="withdraw_annual")).status_code == 302
    assert not PublishedReport.objects.exists()
    assert not storage.exists(again.pdf.name)
    assert client.get(public_url).status_code == 404
    assert Event.objects.filter(verb="withdrawn").count() == 1


def test_no_publication_before_adoption_or_during_a_revision(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.coordinator)
    response = client.post(publish_url(world), follow=True)
    assert "pas encore été adoptée" in response.content.decode()
    seed(world)  # adopted, then a revision drafted
    PublishedReport.objects.all().delete()
    events = Event.objects.count()
    response = client.post(publish_url(world), follow=True)
    assert "Une révision de la stratégie est en cours" in response.content.decode()
    assert not PublishedReport.objects.exists()
    assert Event.objects.count() == events
    assert client.post(publish_url(world, year=2031)).status_code == 404
    assert client.get(publish_url(world)).status_code == 405


def test_a_review_judges_the_values_of_its_year_not_later_ones(world) -> None:  # type: ignore[no-untyped-def]
    # "Vols chez le bailleur": 42 validated for 2024, not communicated for 2025 (validated).
    seed(world)

    def change(year: int):  # type: ignore[no-untyped-def]
        report = build_report(world.strategy, year)
        [judgement] = [
            j
            for o in report.objectives
            for j in o.judgements
            if j.name.startswith("Vols chez le bailleur")
        ]
        return judgement.change

    assert (change(2024).after_label, change(2024).after) == ("2024", "42")
    assert change(2025).after == "non communiquée"


def test_a_missing_published_file_is_a_404_not_an_error(world, client) -> None:  # type: ignore[no-untyped-def]
    seed(world)
    report = PublishedReport.objects.get()
    report.pdf.storage.delete(report.pdf.name)
    assert (
        client.get(reverse("public:annual_report", args=[world.council.pk, 2026])).status_code
        == 404
    )
