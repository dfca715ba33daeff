"""Which communes must have a council, and which council covers each.

A commune must have a CLSPD when it has more inhabitants than the threshold in force or a
priority neighbourhood (QPV, from the context room's import of the ANCT list); a CISPD of its
EPCI makes its own CLSPD optional, so it covers the commune. Municipal arrondissements are left
out: the obligation is the city's.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from stspd.councils.models import Council
from stspd.territories.models import Commune, CommuneKind, Departement

from .rules import obligations


@dataclass(frozen=True)
class RequiredCommune:
    commune: Commune
    above_threshold: bool
    has_qpv: bool
    council: Council | None

    @property
    def reason(self) -> str:
        reasons = []
        if self.above_threshold:
            reasons.append("population")
        if self.has_qpv:
            reasons.append("QPV")
        return " et ".join(reasons)


def qpv_commune_ids() -> set[int]:
    return set(Commune.objects.filter(qpvs__isnull=False).values_list("pk", flat=True).distinct())


def communes_above(threshold: int, departement: Departement | None = None) -> QuerySet[Commune]:
    communes = Commune.objects.filter(kind=CommuneKind.COMMUNE, population__gt=threshold)
    return communes.filter(departement=departement) if departement else communes


def required_communes(
    departement: Departement | None = None,
    day: datetime.date | None = None,
    among: QuerySet[Commune] | None = None,
) -> list[RequiredCommune]:
    """The communes that must have a council on the day (of the département, or among the
    communes given), with the approved council covering each (its CLSPD, else its EPCI's
    CISPD), by decreasing population."""
    rule = obligations().council_required_on(day or datetime.date.today())
    qpv = qpv_commune_ids() if rule.with_qpv else set()
    condition = Q(population__gt=rule.population_above) | Q(pk__in=qpv)
    communes = Commune.objects.filter(condition, kind=CommuneKind.COMMUNE).select_related("epci")
    if departement is not None:
        communes = communes.filter(departement=departement)
    if among is not None:
        communes = communes.filter(pk__in=among.values("pk"))
    approved = Council.objects.filter(approved_at__isnull=False)
    by_commune = {c.commune_id: c for c in approved.filter(commune__isnull=False)}
    by_epci = {c.epci_id: c for c in approved.filter(epci__isnull=False)}
    rows = []
    for commune in communes.order_by("-population", "name"):
        council = by_commune.get(commune.pk) or by_epci.get(commune.epci_id)
        rows.append(
            RequiredCommune(
                commune=commune,
                above_threshold=(commune.population or 0) > rule.population_above,
                has_qpv=commune.pk in qpv,
                council=council,
            )
        )
    return rows
