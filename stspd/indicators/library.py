"""The indicator library: the entries a council may pick, and its upkeep."""

from django.db import transaction
from django.db.models import Q, QuerySet

from stspd.councils.models import Council
from stspd.observatory.models import Indicator as ObservatoryIndicator

from .common import COMMON_ACTIVITY_INDICATORS, CONTEXT_LIBRARY
from .enums import Direction, IndicatorKind, Periodicity
from .models import IndicatorDefinition


def unit_of(indicator: ObservatoryIndicator) -> str:
    per = "habitants" if indicator.denominator_kind == "inhabitants" else "logements"
    return f"{indicator.unit} pour 1 000 {per}"


@transaction.atomic
def sync_library() -> int:
    """Create the shared entries that are missing: one per observatory indicator, the common
    activity indicators and the context indicators bound to a context source. Idempotent;
    returns the number of entries created."""
    created = 0
    for indicator in ObservatoryIndicator.objects.filter(definition__isnull=True):
        IndicatorDefinition.objects.create(
            name=indicator.label,
            kind=IndicatorKind.RESULT,
            unit=unit_of(indicator),
            periodicity=Periodicity.YEAR,
            direction=Direction.DECREASE,
            description="Statistiques de la délinquance enregistrée par la police et la "
            "gendarmerie nationales (SSMSI), taux pour 1 000.",
            observatory_indicator=indicator,
        )
        created += 1
    for name, unit in COMMON_ACTIVITY_INDICATORS:
        _, made = IndicatorDefinition.objects.get_or_create(
            council=None,
            name=name,
            defaults={
                "kind": IndicatorKind.ACTIVITY,
                "unit": unit,
                "periodicity": Periodicity.QUARTER,
                "direction": Direction.INCREASE,
            },
        )
        created += made
    for source, name, unit, periodicity, description in CONTEXT_LIBRARY:
        if IndicatorDefinition.objects.filter(
            Q(context_source=source) | Q(council__isnull=True, name=name)
        ).exists():
            continue
        IndicatorDefinition.objects.create(
            name=name,
            kind=IndicatorKind.CONTEXT,
            unit=unit,
            periodicity=periodicity,
            description=description,
            context_source=source,
        )
        created += 1
    return created


def library_for(council: Council) -> QuerySet[IndicatorDefinition]:
    """The entries a council may pick: the shared library and its own."""
    return IndicatorDefinition.objects.filter(
        Q(council__isnull=True) | Q(council=council)
    ).select_related("observatory_indicator")
