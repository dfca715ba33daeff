"""What a council says of itself."""

from stspd.conftest import World


def test_territory_code_is_the_epci_siren_for_a_cispd_and_the_insee_code_for_a_clspd(
    world: World,
) -> None:
    assert world.council.territory_code == "200023414"
    assert world.other_council.territory_code == "76351"
