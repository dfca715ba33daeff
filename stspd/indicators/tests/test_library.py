"""A council's indicator library: shared entries and its own, kept by its coordinator."""

from stspd.audit.models import Event
from stspd.indicators.library import sync_library
from stspd.indicators.models import IndicatorDefinition
from stspd.observatory.models import Indicator


def own(world, name: str = "Nuisances sonores", **extra: object) -> IndicatorDefinition:  # type: ignore[no-untyped-def]
    return IndicatorDefinition.objects.create(
        council=world.council, name=name, kind="activity", unit="signalements", **extra
    )


def data(**changes: str) -> dict[str, str]:
    return {
        "name": "Tranquillité résidentielle",
        "kind": "result",
        "unit": "incidents signalés par les bailleurs",
        "periodicity": "quarter",
        "direction": "decrease",
        "description": "Incidents des halls d'immeubles",
    } | changes


def test_library_lists_shared_and_own_entries_not_another_council(world, login) -> None:  # type: ignore[no-untyped-def]
    own(world)
    IndicatorDefinition.objects.create(
        council=world.other_council, name="Indicateur du Havre", kind="result", unit="nombre"
    )
    text = login(world.reader).get(f"/conseils/{world.council.pk}/indicateurs/").content.decode()
    assert "Destructions et dégradations volontaires" in text  # SSMSI, bound to the observatory
    assert "Médiations réalisées" in text  # common activity indicator
    assert "Nuisances sonores" in text
    assert "Indicateur du Havre" not in text
    assert "Nouvel indicateur" not in text  # a reader does not edit
    assert "INVALID_TEMPLATE_VARIABLE" not in text


def test_coordinator_adds_an_own_indicator_and_picks_it_for_an_objective(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    url = f"/conseils/{world.council.pk}/indicateurs/nouveau/"
    response = client.post(url, data())
    assert response["Location"] == f"/conseils/{world.council.pk}/indicateurs/#propres"
    definition = IndicatorDefinition.objects.get(name="Tranquillité résidentielle")
    assert definition.council == world.council
    assert Event.objects.get(verb="created", object_type="indicators.indicatordefinition")
    form = client.get(f"/objectifs/{world.objective.pk}/indicateurs/nouveau/").content.decode()
    assert "Tranquillité résidentielle" in form
    again = client.post(url, data())
    assert "Ce conseil a déjà un indicateur de ce nom." in again.content.decode()


def test_coordinator_edits_an_own_indicator(world, login) -> None:  # type: ignore[no-untyped-def]
    definition = own(world)
    login(world.coordinator).post(
        f"/indicateurs/{definition.pk}/modifier/", data(name="Nuisances", kind="activity")
    )
    definition.refresh_from_db()
    assert definition.name == "Nuisances"
    event = Event.objects.get(verb="updated")
    assert event.changes["name"] == ["Nuisances sonores", "Nuisances"]


def test_an_indicator_in_use_keeps_its_kind(world, login) -> None:  # type: ignore[no-untyped-def]
    from stspd.strategy.models import ActionIndicator

    definition = own(world)
    ActionIndicator.objects.create(action=world.action, definition=definition)
    response = login(world.coordinator).post(f"/indicateurs/{definition.pk}/modifier/", data())
    assert "sa nature ne change plus" in response.content.decode()
    definition.refresh_from_db()
    assert definition.kind == "activity"


def test_shared_entries_are_not_edited_and_others_are_not_found(world, login) -> None:  # type: ignore[no-untyped-def]
    shared = IndicatorDefinition.objects.get(name="Médiations réalisées")
    client = login(world.coordinator)
    response = client.get(f"/indicateurs/{shared.pk}/modifier/")
    assert response.status_code == 403
    assert "bibliothèque commune ne se modifient pas" in response.content.decode()
    foreign = IndicatorDefinition.objects.create(
        council=world.other_council, name="Du Havre", kind="result", unit="nombre"
    )
    assert client.get(f"/indicateurs/{foreign.pk}/modifier/").status_code == 404


def test_sync_library_adds_each_new_observatory_indicator_once(world) -> None:  # type: ignore[no-untyped-def]
    burglaries = Indicator.objects.create(
        label="Cambriolages de logement", unit="infraction", denominator_kind="dwellings"
    )
    assert sync_library() == 1
    definition = IndicatorDefinition.objects.get(observatory_indicator=burglaries)
    assert definition.unit == "infraction pour 1 000 logements" and definition.council is None
    assert sync_library() == 0
