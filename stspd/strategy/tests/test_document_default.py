"""Once a strategy can no longer change, its document is the adopted version by default."""

import datetime

from stspd.strategy import adoption, review
from stspd.strategy.enums import AdoptionMode


def adopt_and_sign(world) -> None:  # type: ignore[no-untyped-def]
    strategy, by = world.strategy, world.coordinator
    review.open_round(
        strategy,
        reviewers=[world.partner],
        deadline=datetime.date.today() + datetime.timedelta(days=7),
        message="",
        by=by,
    )
    adoption.debate(strategy, meeting=world.plenary_meeting, comment="", by=by)
    adoption.adopt(strategy, meeting=world.plenary_meeting, mode=AdoptionMode.CONSENSUS, by=by)
    adoption.deliberate(
        strategy,
        assembly="Conseil de la Métropole",
        held_on=datetime.date(2026, 3, 20),
        number="C2026-0001",
        votes_for=50,
        votes_against=2,
        abstentions=1,
        by=by,
    )
    adoption.add_signature(
        strategy,
        organisation=world.organisation,
        signatory="Le préfet de la Seine-Maritime",
        signed_on=datetime.date(2026, 4, 1),
        by=by,
    )
    adoption.move(strategy, "sign", by=by)


def test_the_document_of_a_signed_strategy_is_its_adopted_version(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.reader)
    page = client.get(f"/strategies/{world.strategy.pk}/document/").content.decode()
    assert "Version de travail (future version 1)" in page
    adopt_and_sign(world)
    page = client.get(f"/strategies/{world.strategy.pk}/document/").content.decode()
    assert "Version 2 figée le" in page
    assert "Le préfet de la Seine-Maritime" in page
    assert "C2026-0001" in page
