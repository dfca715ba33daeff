"""The public record is an archive: adopting the next strategy never hides the last one."""

import datetime

from django.urls import reverse

from stspd.evaluation.publishing import publish_annual
from stspd.public.portal import IN_FORCE, PAST, UPCOMING, council_publications, periods
from stspd.strategy import adoption
from stspd.strategy.enums import AdoptionMode, Status
from stspd.strategy.models import Axis, Objective, Strategy

from .helpers import publish


def sign(world, strategy: Strategy, held_on: datetime.date, signed_on: datetime.date) -> None:  # type: ignore[no-untyped-def]
    """Deliberated, signed by the world's organisation, declared in force: the verbs."""
    adoption.deliberate(
        strategy,
        assembly="Conseil métropolitain",
        held_on=held_on,
        number=f"DEL-{strategy.pk}",
        votes_for=40,
        votes_against=2,
        abstentions=1,
        by=world.coordinator,
    )
    adoption.add_signature(
        strategy,
        organisation=world.organisation,
        signatory="Le préfet",
        signed_on=signed_on,
        by=world.coordinator,
    )
    adoption.move(strategy, "sign", by=world.coordinator)


def first_strategy_signed_with_a_review(world) -> Strategy:  # type: ignore[no-untyped-def]
    strategy = publish(world)  # adopted at the plenary of 12/03/2026, then a revision opened
    Strategy.objects.filter(pk=strategy.pk).update(status=Status.ADOPTED)
    strategy.refresh_from_db()
    sign(world, strategy, datetime.date(2026, 4, 2), datetime.date(2026, 4, 20))
    adoption.move(strategy, "enforce", by=world.coordinator)
    strategy.refresh_from_db()
    publish_annual(strategy, 2026, by=world.coordinator)
    return strategy


def second_strategy(world) -> Strategy:  # type: ignore[no-untyped-def]
    """The next mandate's strategy of the same council, adopted and signed this year."""
    strategy = Strategy.objects.create(
        council=world.council,
        title="Stratégie territoriale 2029-2031",
        starts_on=datetime.date(2029, 1, 1),
        ends_on=datetime.date(2031, 12, 31),
        status=Status.ORIENTATION_DEBATED,
    )
    axis = Axis.objects.create(strategy=strategy, position=1, title="Prévention des jeunes")
    # Justified rather than quantified: the council adopts only a quantified strategy.
    Objective.objects.create(
        axis=axis,
        position=1,
        statement="Réduire le décrochage",
        unquantified_reason="Suivi qualitatif par les établissements.",
    )
    adoption.adopt(
        strategy,
        meeting=world.plenary_meeting,
        mode=AdoptionMode.CONSENSUS,
        by=world.coordinator,
    )
    sign(world, strategy, datetime.date(2026, 5, 4), datetime.date(2026, 5, 11))
    return strategy


def stable_urls(world, strategy: Strategy) -> list[str]:  # type: ignore[no-untyped-def]
    ids = [world.council.pk, strategy.pk]
    return [
        reverse("public:archive", args=ids),
        reverse("public:archive_pdf", args=ids),
        reverse("public:archive_report", args=[*ids, 2026]),
        reverse("public:archive_indicators_csv", args=ids),
        reverse("public:archive_indicators_json", args=ids),
        reverse("public:archive_strategy_csv", args=ids),
        reverse("public:archive_strategy_json", args=ids),
    ]


def test_adopting_and_signing_a_second_strategy_keeps_the_first_one_byte_for_byte(  # type: ignore[no-untyped-def]
    world, client, settings
) -> None:
    # One visitor fetches two dozen files here: above the anonymous per-minute limit, which
    # has its own test (accounts/tests/test_download_limit.py).
    settings.STSPD_ANONYMOUS_DOWNLOADS_PER_MINUTE = 1000
    first = first_strategy_signed_with_a_review(world)
    council = [world.council.pk]
    legacy = [
        reverse("public:annual_report", args=[*council, 2026]),
        reverse("public:indicators_csv", args=council),
    ]
    before = {}
    for url in stable_urls(world, first) + legacy:
        response = client.get(url)
        assert response.status_code == 200, url
        before[url] = response.content
    csv = before[reverse("public:archive_indicators_csv", args=[*council, first.pk])]
    assert len(csv.decode("utf-8-sig").splitlines()) > 1  # values, not a header only

    second = second_strategy(world)

    for url, content in before.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content == content, url
    page = client.get(reverse("public:council", args=council)).content.decode()
    for strategy, period in [(first, "en vigueur"), (second, "à venir")]:
        link = reverse("public:archive", args=[*council, strategy.pk])
        assert f'<a href="{link}">{strategy.title}</a>' in page
        row = page[page.index(link) :]
        assert row[: row.index("</tr>")].endswith(f"<td>{period}</td>")
    # The second strategy's own addresses answer too, its review not published (404).
    for url in stable_urls(world, second):
        expected = 404 if "bilan-" in url else 200
        assert client.get(url).status_code == expected, url


def test_the_recorded_dates_are_shown_not_the_data_entry_date(world, client) -> None:  # type: ignore[no-untyped-def]
    first = first_strategy_signed_with_a_review(world)
    page = client.get(reverse("public:archive", args=[world.council.pk, first.pk])).content.decode()
    assert "Version 1 adoptée par le conseil le 12/03/2026, en séance plénière, par consensus." in (
        page
    )
    assert f"délibération n° DEL-{first.pk} du 02/04/2026 (Conseil métropolitain)" in page
    assert "Signée par Préfecture de la Seine-Maritime (Le préfet) le 20/04/2026." in page


def test_the_all_strategies_files_hold_each_strategy(world, client) -> None:  # type: ignore[no-untyped-def]
    first = first_strategy_signed_with_a_review(world)
    second = second_strategy(world)
    council = [world.council.pk]
    text = client.get(reverse("public:all_strategies_csv", args=council)).content
    lines = text.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("id_strategie;titre_strategie;debut_strategie;fin_strategie;")
    assert {line.split(";")[0] for line in lines[1:]} == {str(first.pk), str(second.pk)}
    assert f"{second.pk};Stratégie territoriale 2029-2031;2029-01-01;2031-12-31;" in text.decode(
        "utf-8-sig"
    )
    indicators = client.get(reverse("public:all_indicators_csv", args=council)).content
    rows = indicators.decode("utf-8-sig").splitlines()[1:]
    assert rows and all(row.startswith(f"{first.pk};") for row in rows)  # only the first has any
    data = client.get(reverse("public:all_strategies_json", args=council)).json()
    assert [s["id_strategie"] for s in data["strategies"]] == [first.pk, second.pk]
    assert client.get(reverse("public:all_indicators_json", args=council)).status_code == 200


def test_periods_follow_the_adopted_dates(world) -> None:  # type: ignore[no-untyped-def]
    first = first_strategy_signed_with_a_review(world)
    second = second_strategy(world)
    pubs = council_publications(world.council.pk)
    assert periods(pubs, datetime.date(2026, 12, 7)) == {first.pk: IN_FORCE, second.pk: UPCOMING}
    assert periods(pubs, datetime.date(2029, 1, 1)) == {first.pk: PAST, second.pk: IN_FORCE}
    assert periods(pubs, datetime.date(2032, 1, 1)) == {first.pk: PAST, second.pk: PAST}


def test_a_strategy_of_another_council_or_never_adopted_has_no_stable_page(world, client) -> None:  # type: ignore[no-untyped-def]
    first = first_strategy_signed_with_a_review(world)
    draft = Strategy.objects.create(
        council=world.council,
        title="Brouillon",
        starts_on=datetime.date(2029, 1, 1),
        ends_on=datetime.date(2031, 12, 31),
    )
    assert client.get(reverse("public:archive", args=[world.council.pk, draft.pk])).status_code == (
        404
    )
    assert (
        client.get(reverse("public:archive", args=[world.other_council.pk, first.pk])).status_code
        == 404
    )


def test_the_pages_of_the_archive_keep_their_query_count(  # type: ignore[no-untyped-def]
    world, client, django_assert_max_num_queries
) -> None:
    first = first_strategy_signed_with_a_review(world)
    second_strategy(world)
    # 31: the tableau de bord reads the context indicators' links in one query (issue 20).
    with django_assert_max_num_queries(31):
        assert client.get(reverse("public:council", args=[world.council.pk])).status_code == 200
    with django_assert_max_num_queries(30):
        url = reverse("public:archive", args=[world.council.pk, first.pk])
        assert client.get(url).status_code == 200
