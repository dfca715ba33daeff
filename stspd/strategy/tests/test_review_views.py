"""The review pages driven by the test client."""

import datetime

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from stspd.strategy.enums import RemarkStatus, Status
from stspd.strategy.models import Action, Remark, ReviewRound
from stspd.strategy.review import add_remark, open_round


def soon() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=14)


def make_round(world) -> ReviewRound:  # type: ignore[no-untyped-def]
    return open_round(
        world.strategy, reviewers=[world.partner], deadline=soon(), message="", by=world.coordinator
    )


def test_the_coordinator_opens_a_round_and_reviewers_are_mailed(
    world, login, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    url = reverse("strategy:review_open", args=[world.strategy.pk])
    page = client.get(url)
    assert "Figer et envoyer" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "reviewers": [world.partner.pk, world.wg_signed.pk],
                "deadline": soon().isoformat(),
                "message": "Merci de relire.",
            },
        )
    review_round = ReviewRound.objects.get()
    assert response.status_code == 302 and response["Location"] == review_round.get_absolute_url()
    assert len(mail.outbox) == 2
    world.strategy.refresh_from_db()
    assert world.strategy.status == Status.IN_REVIEW
    page = client.get(review_round.get_absolute_url()).content.decode()
    assert "Relecture de la version 1" in page
    assert "Merci de relire." in page


def test_an_unready_draft_shows_its_gaps_instead_of_the_form(world, login) -> None:  # type: ignore[no-untyped-def]
    world.strategy.evaluation_method = ""
    world.strategy.save()
    client = login(world.coordinator)
    url = reverse("strategy:review_open", args=[world.strategy.pk])
    page = client.get(url).content.decode()
    assert "pas prête à être envoyée" in page
    assert "La méthode d&#x27;évaluation n&#x27;est pas écrite." in page
    assert "Figer et envoyer" not in page
    client.post(url, {"reviewers": [world.partner.pk], "deadline": soon().isoformat()})
    assert not ReviewRound.objects.exists()


def test_a_past_deadline_is_refused_by_the_form(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page = client.post(
        reverse("strategy:review_open", args=[world.strategy.pk]),
        {"reviewers": [world.partner.pk], "deadline": yesterday.isoformat()},
    ).content.decode()
    assert "La date limite ne peut pas être passée." in page
    assert not ReviewRound.objects.exists()


def test_a_reviewer_sees_a_form_for_each_element_and_remarks(world, login) -> None:  # type: ignore[no-untyped-def]
    review_round = make_round(world)
    client = login(world.partner)
    page = client.get(review_round.get_absolute_url()).content.decode()
    assert (
        page.count("Envoyer la remarque") == 6
    )  # strategy, section, axis, objective, indicator, action
    assert 'id="remarque-strategy-id_text"' not in page  # ids are unique per element
    assert f'id="remarque-{world.action.key}-text"' in page
    url = reverse("strategy:remark_add", args=[review_round.pk]) + f"?element={world.action.key}"
    response = client.post(
        url,
        {
            "kind": "amendment",
            "field": "description",
            "proposed_value": "Deux médiateurs de 20 h à 2 h.",
            "text": "Préciser les horaires.",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#element-{world.action.key}")
    remark = Remark.objects.get()
    assert (remark.element_kind, remark.field, remark.author) == (
        "action",
        "description",
        world.partner,
    )
    page = client.get(review_round.get_absolute_url()).content.decode()
    assert "Deux médiateurs de 20 h à 2 h." in page
    assert "Accepter ou rejeter" not in page  # the coordinator decides


def test_an_amendment_without_its_field_is_sent_back(world, login) -> None:  # type: ignore[no-untyped-def]
    review_round = make_round(world)
    client = login(world.partner)
    url = reverse("strategy:remark_add", args=[review_round.pk]) + f"?element={world.axis.key}"
    page = client.post(url, {"kind": "amendment", "text": "Autre titre"}).content.decode()
    assert "Choisissez le champ que l&#x27;amendement modifie." in page
    assert not Remark.objects.exists()


def test_other_partners_and_readers_cannot_remark(world, login, client) -> None:  # type: ignore[no-untyped-def]
    review_round = make_round(world)
    url = reverse("strategy:remark_add", args=[review_round.pk]) + "?element=strategy"
    for someone in (world.wg_signed, world.reader):
        client = login(someone)
        page = client.get(review_round.get_absolute_url()).content.decode()
        assert "Envoyer la remarque" not in page
        assert client.post(url, {"kind": "comment", "text": "Hop"}).status_code == 403
    assert login(world.outsider).post(url, {"kind": "comment", "text": "Hop"}).status_code == 404
    assert not Remark.objects.exists()


def test_after_the_deadline_the_round_page_says_so_and_refuses(world, login) -> None:  # type: ignore[no-untyped-def]
    review_round = make_round(world)
    ReviewRound.objects.filter(pk=review_round.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    client = login(world.partner)
    page = client.get(review_round.get_absolute_url()).content.decode()
    assert "est passée" in page and "Envoyer la remarque" not in page
    url = reverse("strategy:remark_add", args=[review_round.pk]) + "?element=strategy"
    response = client.post(url, {"kind": "comment", "text": "En retard"}, follow=True)
    assert "est passée" in response.content.decode()
    assert not Remark.objects.exists()


def test_an_unknown_element_is_404(world, login) -> None:  # type: ignore[no-untyped-def]
    review_round = make_round(world)
    url = reverse("strategy:remark_add", args=[review_round.pk]) + "?element=nope"
    assert login(world.partner).get(url).status_code == 404


def test_the_coordinator_accepts_an_amendment_from_its_page(world, login) -> None:  # type: ignore[no-untyped-def]
    review_round = make_round(world)
    remark = add_remark(
        review_round,
        element_kind="action",
        element_key=world.action.key,
        kind="amendment",
        field="problem",
        proposed_value="Dégradations nocturnes des abribus",
        text="Plus précis.",
        by=world.partner,
    )
    client = login(world.coordinator)
    url = reverse("strategy:remark_decide", args=[remark.pk])
    page = client.get(url).content.decode()
    assert "Dégradations nocturnes" in page and "Amendement du champ « Problème traité »" in page
    page = client.post(url, {"accept": "0", "response": ""}).content.decode()
    assert "Donnez le motif du rejet." in page
    response = client.post(url, {"accept": "1", "response": "Merci."})
    assert response.status_code == 302
    assert Action.objects.get(pk=world.action.pk).problem == "Dégradations nocturnes des abribus"
    remark.refresh_from_db()
    assert remark.status == RemarkStatus.ACCEPTED
    assert "déjà été acceptée" in client.get(url).content.decode()


def test_closing_a_round_stops_remarks(world, login) -> None:  # type: ignore[no-untyped-def]
    review_round = make_round(world)
    client = login(world.coordinator)
    url = reverse("strategy:review_close", args=[review_round.pk])
    assert "Clôturer l'aller-retour sur la version 1" in client.get(url).content.decode()
    client.post(url)
    review_round.refresh_from_db()
    assert review_round.closed_at is not None
    page = login(world.partner).get(review_round.get_absolute_url()).content.decode()
    assert "il ne reçoit plus de remarques" in page


def test_the_reviews_page_lists_rounds_and_versions(world, login) -> None:  # type: ignore[no-untyped-def]
    make_round(world)
    page = login(world.reader).get(reverse("strategy:reviews", args=[world.strategy.pk]))
    html = page.content.decode()
    assert "<caption>Allers-retours, du plus récent au plus ancien</caption>" in html
    assert "Ouvrir un aller-retour</a>" not in html  # readers do not open rounds


def test_the_comparison_shows_word_level_changes_against_the_working_copy(world, login) -> None:  # type: ignore[no-untyped-def]
    make_round(world)
    Action.objects.filter(pk=world.action.pk).update(title="Médiation de soirée dans les quartiers")
    client = login(world.reader)
    url = reverse("strategy:compare", args=[world.strategy.pk])
    html = client.get(url).content.decode()
    assert "Version 1 → Version de travail (2)" in html
    assert "Médiation de <del>nuit</del><ins>soirée</ins> dans les quartiers" in html
    html = client.get(url + "?de=1&a=1").content.decode()
    assert "Aucune différence" in html


def test_the_comparison_before_any_version_says_there_is_nothing(world, login) -> None:  # type: ignore[no-untyped-def]
    html = login(world.reader).get(reverse("strategy:compare", args=[world.strategy.pk]))
    assert "Aucune version n&#x27;a encore été figée" in html.content.decode()
