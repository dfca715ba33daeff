"""What the public portal shows of a council: only what the council made public.

The strategy is the ADOPTED version, read from its frozen snapshot (never the working copy,
which may hold a draft revision). Results are the result indicators marked public both in the
adopted version and today, with their validated values only (a value a partner submitted and
the coordinator has not validated yet is not published). Meetings are the plenary's only:
working groups are confidential (art. L132-5 CSI) and the restricted formation deals with
named situations. Strategies never adopted do not exist here (404).
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
import functools
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from stspd.councils.enums import FormationKind
from stspd.councils.models import Council, Decision, Meeting
from stspd.indicators.enums import IndicatorKind
from stspd.observatory.caveats import caveats_for
from stspd.observatory.figures import Figures, Territory, territory_figures
from stspd.steering.dashboard import IndicatorRow, dashboard_data, is_public, published_row
from stspd.steering.enums import MeasurementStatus
from stspd.steering.models import Measurement
from stspd.strategy.documents.content import Source, load_source, prepare
from stspd.strategy.enums import Status
from stspd.strategy.models import Strategy, Transition
from stspd.strategy.workflow import adopted_version_number
from stspd.territories.departements import main_departement
from stspd.territories.models import CommuneKind, CommuneShape
from stspd.territories.search import search_key

IN_FORCE, PAST, UPCOMING = "en vigueur", "passée", "à venir"


def adopted_strategies(council_id: int | None = None) -> list[Strategy]:
    """The strategies adopted at least once, per council by period (all councils when
    `council_id` is None). Adopted once, a strategy stays public: the public record is an
    archive, a later strategy never hides an earlier one."""
    adopted = Transition.objects.filter(target=Status.ADOPTED).values("strategy_id")
    strategies = Strategy.objects.filter(pk__in=adopted)
    if council_id is not None:
        strategies = strategies.filter(council_id=council_id)
    return list(
        strategies.select_related("council__commune__departement", "council__epci").order_by(
            "council__name", "council_id", "starts_on", "pk"
        )
    )


def periods(pubs: list[Publication], today: datetime.date | None = None) -> dict[int, str]:
    """The period of each adopted strategy of ONE council, by strategy id, from the ADOPTED
    versions' dates: upcoming before its start; past once closed, ended, or followed by a later
    strategy that has started; in force otherwise (at most one: the latest started)."""
    today = today or timezone.localdate()
    started = [pub for pub in pubs if pub.starts_on <= today]
    latest = max(started, key=lambda pub: (pub.starts_on, pub.strategy.pk)) if started else None
    result = {}
    for pub in pubs:
        if pub.starts_on > today:
            result[pub.strategy.pk] = UPCOMING
        elif pub is latest and pub.ends_on >= today and pub.strategy.status != Status.CLOSED:
            result[pub.strategy.pk] = IN_FORCE
        else:
            result[pub.strategy.pk] = PAST
    return result


def current_publication(pubs: list[Publication], today: datetime.date | None = None) -> Publication:
    """What a council's page and its historical addresses stand for: the strategy in force,
    else the last one past, else the first one upcoming."""
    period = periods(pubs, today)
    for wanted in (IN_FORCE, PAST):
        found = [pub for pub in pubs if period[pub.strategy.pk] == wanted]
        if found:
            return max(found, key=lambda pub: (pub.starts_on, pub.strategy.pk))
    return min(pubs, key=lambda pub: (pub.starts_on, pub.strategy.pk))


def council_publications(council_id: int) -> list[Publication]:
    """Every strategy the council adopted, as adopted, by period; 404 when there is none."""
    pubs = [_publication(strategy) for strategy in adopted_strategies(council_id)]
    if not pubs:
        raise Http404("Ce conseil n'a pas encore adopté de stratégie.")
    return sorted(pubs, key=lambda pub: (pub.starts_on, pub.strategy.pk))


def search(strategies: list[Strategy], query: str) -> list[Strategy]:
    """Strategies whose council or territory name holds every word of the query (accents and
    case ignored)."""
    words = search_key(query).split()
    if not words:
        return strategies
    found = []
    for strategy in strategies:
        council = strategy.council
        text = search_key(f"{council.name} {council.territory.name}")
        if all(word in text for word in words):
            found.append(strategy)
    return found


@dataclass
class Publication:
    council: Council
    strategy: Strategy
    adopted: Source  # the adopted version, whole (what the council keeps to itself included)

    @functools.cached_property
    def source(self) -> Source:
        """The adopted version as the public sees it (public_source). Made when first asked
        for: a deep copy of the snapshot, which a stored document's request does not need."""
        return public_source(self.adopted)

    @property
    def data(self) -> dict[str, Any]:
        return self.source.data

    @property
    def starts_on(self) -> datetime.date:
        return datetime.date.fromisoformat(self.adopted.data["starts_on"])

    @property
    def ends_on(self) -> datetime.date:
        return datetime.date.fromisoformat(self.adopted.data["ends_on"])

    @property
    def version(self) -> int:
        assert self.adopted.version is not None
        return self.adopted.version.number

    @property
    def adoption(self) -> Transition | None:
        """The council's adoption of the published version, with its meeting."""
        return self.adopted.adoption

    @property
    def adopted_on(self) -> datetime.date | None:
        """The date of the meeting that adopted the version (as recorded, never the date the
        coordinator typed it in)."""
        adoption = self.adopted.adoption
        if adoption is None or adoption.meeting is None:
            return None
        return timezone.localdate(adoption.meeting.starts_at)

    def public_keys(self) -> set[str]:
        """Keys of the result indicators the adopted version marks public."""
        return {
            use["key"]
            for axis in self.data["axes"]
            for objective in axis["objectives"]
            for use in objective["indicators"]
            if use.get("public") and use["indicator"]["kind"] == IndicatorKind.RESULT
        }


def publication(council_id: int) -> Publication:
    """The council's current publication (its historical addresses without a strategy)."""
    return current_publication(council_publications(council_id))


def strategy_publication(council_id: int, strategy_id: int) -> Publication:
    """One adopted strategy of the council, at its stable address: 404 for another council's
    strategy or one never adopted."""
    for strategy in adopted_strategies(council_id):
        if strategy.pk == strategy_id:
            return _publication(strategy)
    raise Http404("Cette stratégie n'a pas été adoptée par ce conseil.")


def _publication(strategy: Strategy) -> Publication:
    source = load_source(strategy, adopted_version_number(strategy))
    return Publication(strategy.council, strategy, source)


def public_source(source: Source) -> Source:
    """The adopted version without the indicators the council keeps to itself: objectives keep
    their public result indicators only, actions lose their (activity) indicators, which have
    no publication flag. Everything else is the adopted text, as signed."""
    data = copy.deepcopy(source.data)
    for axis in data["axes"]:
        for objective in axis["objectives"]:
            objective["indicators"] = [
                use
                for use in objective["indicators"]
                if use.get("public") and use["indicator"]["kind"] == IndicatorKind.RESULT
            ]
            for action in objective["actions"]:
                action["indicators"] = []
    return dataclasses.replace(source, data=data)


def publications(query: str = "") -> list[Publication]:
    """Every council's current publication, councils by name, those matching `query` only
    when one is given (the strategy's title shown is the adopted one, never the working
    copy's)."""
    by_council: dict[int, list[Publication]] = {}
    for strategy in search(adopted_strategies(), query):
        by_council.setdefault(strategy.council_id, []).append(_publication(strategy))
    return [current_publication(pubs) for pubs in by_council.values()]


def public_document(pub: Publication) -> dict[str, Any]:
    """The adopted version dressed for reading (the strategy documents' `prepare`)."""
    return prepare(pub.source)


def public_results(pub: Publication, today: datetime.date | None = None) -> list[IndicatorRow]:
    """The public result indicators with their validated values, status and reason."""
    today = today or timezone.localdate()
    keys = pub.public_keys()
    dashboard = dashboard_data(pub.strategy.pk, today=today)
    return [
        published_row(row, dashboard.strategy, today)
        for row in dashboard.indicators
        if is_public(row) and row.use.key in keys
    ]


def public_meetings(council: Council) -> list[Meeting]:
    """The plenary's meetings held so far, latest first, with their decisions."""
    return list(
        Meeting.objects.filter(
            formation__council=council,
            formation__kind=FormationKind.PLENARY,
            starts_at__lte=timezone.now(),
        )
        .select_related("formation")
        .prefetch_related(Prefetch("decisions", Decision.objects.order_by("due_on", "pk")))
        .order_by("-starts_at")
    )


def council_territory(council: Council) -> Territory:
    """The council's area for the observatory's figures (recorded crime is open data)."""
    members = list(
        council.communes()
        .filter(kind=CommuneKind.COMMUNE)
        .select_related("departement")
        .order_by("-population", "code")
    )
    if not members:
        raise Http404
    code, name = main_departement(members)
    return Territory("conseil", str(council.pk), council.name, members, code, name, council)


def pdf_figures(pub: Publication) -> tuple[Territory, Figures | None]:
    territory = council_territory(pub.council)
    diagnostic = pub.data.get("diagnostic") or {}
    embeds = any(section["indicator"] for section in diagnostic.get("sections", []))
    return territory, territory_figures(territory) if embeds else None


def last_change(pub: Publication) -> datetime.datetime:
    """When the published data last changed: the adopted version's freeze or the last
    validation of a value of the strategy (observatory imports aside)."""
    assert pub.source.version is not None
    reviewed = (
        Measurement.objects.filter(
            objective_indicator__objective__axis__strategy=pub.strategy,
            status=MeasurementStatus.VALIDATED,
            reviewed_at__isnull=False,
        )
        .order_by("-reviewed_at")
        .values_list("reviewed_at", flat=True)
        .first()
    )
    frozen = pub.source.version.frozen_at
    return max(frozen, reviewed) if reviewed else frozen


def caveats(rows: list[IndicatorRow]) -> list[str]:
    """The observatory's caveats of the published SSMSI indicators, each once."""
    notes: list[str] = []
    for row in rows:
        indicator = row.use.definition.observatory_indicator
        if indicator is None:
            continue
        for note in caveats_for(
            indicator.label, indicator.unit, indicator.denominator_kind, indicator.retired
        ):
            if note not in notes:
                notes.append(note)
    return notes


def map_data(pubs: list[Publication]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the councils' communes that have an outline (two
    queries), each with its council's name and public page."""
    epcis = {pub.council.epci_id: pub.council for pub in pubs if pub.council.epci_id}
    communes = {pub.council.commune_id: pub.council for pub in pubs if pub.council.commune_id}
    shapes = CommuneShape.objects.filter(
        Q(commune__epci_id__in=epcis) | Q(commune_id__in=communes)
    ).select_related("commune")
    features = []
    for shape in shapes:
        epci = shape.commune.epci_id
        council = communes.get(shape.commune_id) or (epcis.get(epci) if epci else None)
        if council is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": shape.geometry,
                "properties": {
                    "name": shape.commune.name,
                    "council": council.name,
                    "url": reverse("public:council", args=[council.pk]),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
