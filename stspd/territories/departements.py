"""The département a territory of several communes is compared with."""

from collections import Counter

from .models import Commune


def main_departement(members: list[Commune]) -> tuple[str, str]:
    """(code, name) of the département of most of the inhabitants (an EPCI may straddle two);
    ties go to the first member's. `members` is not empty and has its départements loaded."""
    weights: Counter[tuple[str, str]] = Counter()
    for commune in members:
        weights[(commune.departement.code, commune.departement.name)] += commune.population or 0
    return weights.most_common(1)[0][0]
