"""Partners' data of the demo CISPD: the logbooks (main courante) of the polices municipales of
Rouen and Saint-Étienne-du-Rouvray, three months each, about 2,000 geocoded events in all.

Données fictives de démonstration: every event is drawn at random (a fixed seed) inside the real
outline of its commune, denser around a few invented hot spots. The files are written as a
partner would send them (`;`, dates dd/mm/yyyy, decimal comma, a nominative column that the
import drops) and go through the real import: staging, mapping, checking, importing.
"""

import datetime
import io

import numpy as np
from django.db import transaction
from django.utils import timezone

from crimestats.geo import bounds, contains
from crimestats.partner_files import COORDINATE_DECIMALS
from stspd.accounts.enums import OrganisationKind
from stspd.accounts.models import Organisation, User
from stspd.councils.enums import MemberBasis
from stspd.councils.models import Council, CouncilMember
from stspd.partnerdata import workflow
from stspd.partnerdata.enums import SourceKind
from stspd.partnerdata.models import Source
from stspd.territories.models import CommuneShape

EPCI_SIREN = "200023414"  # Métropole Rouen Normandie
COORDINATOR = "coordination@demo.stspd.fr"
LABEL = "données fictives de démonstration"
CATEGORIES = [
    # (category as the police municipale writes it, share of events)
    ("Tapage nocturne", 0.22),
    ("Dépôt sauvage", 0.18),
    ("Stationnement gênant", 0.20),
    ("Rodéo motorisé", 0.08),
    ("Regroupement dans un hall", 0.12),
    ("Dégradation de mobilier urbain", 0.10),
    ("Différend de voisinage", 0.10),
]
SOURCES = [
    # (INSEE code, organisation, events per month, hot spots as (lon, lat, share, spread in °))
    (
        "76540",
        "Police municipale de Rouen",
        420,
        [(1.0935, 49.4430, 0.25, 0.002), (1.0700, 49.4330, 0.15, 0.002)],
    ),
    (
        "76575",
        "Police municipale de Saint-Étienne-du-Rouvray",
        250,
        [(1.1040, 49.3790, 0.30, 0.0015), (1.0830, 49.3700, 0.15, 0.002)],
    ),
]
MONTHS = 3


def sample_points(
    geometry: dict[str, object],
    n: int,
    hot_spots: list[tuple[float, float, float, float]],
    seed: int,
) -> tuple[np.ndarray, np.ndarray]:
    """`n` points inside the outline: a share around each hot spot, the rest uniform."""
    rng = np.random.default_rng(seed)
    west, south, east, north = bounds(geometry)
    lon: list[float] = []
    lat: list[float] = []
    wanted = [(x, y, round(n * share), spread) for x, y, share, spread in hot_spots]
    wanted.append((0.0, 0.0, n - sum(w[2] for w in wanted), 0.0))
    for x, y, count, spread in wanted:
        got = 0
        while got < count:
            size = (count - got) * 3
            if spread:
                cx, cy = rng.normal(x, spread, size), rng.normal(y, spread, size)
            else:
                cx, cy = rng.uniform(west, east, size), rng.uniform(south, north, size)
            # Rounded as the import rounds them, then checked: no point strays over a border.
            cx, cy = cx.round(COORDINATE_DECIMALS), cy.round(COORDINATE_DECIMALS)
            inside = contains(geometry, cx, cy)
            take = min(count - got, int(inside.sum()))
            lon.extend(cx[inside][:take].tolist())
            lat.extend(cy[inside][:take].tolist())
            got += take
    return np.array(lon), np.array(lat)


def month_starts(today: datetime.date) -> list[datetime.date]:
    first = today.replace(day=1)
    starts = []
    for _ in range(MONTHS):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
        starts.append(first)
    return sorted(starts)


def logbook(
    geometry: dict[str, object],
    commune: str,
    month: datetime.date,
    n: int,
    hot_spots: list[tuple[float, float, float, float]],
    seed: int,
) -> bytes:
    """One month of a police municipale logbook, as a CSV the partner would export."""
    rng = np.random.default_rng(seed)
    lon, lat = sample_points(geometry, n, hot_spots, seed)
    next_month = (month + datetime.timedelta(days=32)).replace(day=1)
    days = rng.integers(0, (next_month - month).days, n)
    labels = [c for c, _ in CATEGORIES]
    shares = np.array([s for _, s in CATEGORIES])
    categories = rng.choice(len(labels), n, p=shares / shares.sum())
    out = io.StringIO()
    out.write(
        "N° main courante;Date;Heure;Nature de l'intervention;Commune;Longitude;Latitude;"
        "Nom du requérant\n"
    )
    order = np.argsort(days, kind="stable")
    for number, i in enumerate(order, start=1):
        day = month + datetime.timedelta(days=int(days[i]))
        hour = int(rng.integers(0, 24))
        out.write(
            f"{month:%Y%m}-{number:04d};{day:%d/%m/%Y};{hour:02d}:{int(rng.integers(0, 60)):02d};"
            f"{labels[categories[i]]};{commune};"
            f"{lon[i]:.5f}".replace(".", ",")
            + ";"
            + f"{lat[i]:.5f}".replace(".", ",")
            + ";(fictif)\n"
        )
    return out.getvalue().encode("utf-8")


@transaction.atomic
def build_partner_demo(
    today: datetime.date | None = None,
    *,
    council: Council | None = None,
    coordinator: User | None = None,
) -> str:
    """Add the demo sources to the demo CISPD and import their files (once)."""
    council = council or Council.objects.filter(epci__siren=EPCI_SIREN).first()
    coordinator = coordinator or User.objects.filter(email=COORDINATOR).first()
    if council is None or coordinator is None:
        return "Données des partenaires : démonstration des conseils absente."
    if council.partner_sources.exists():
        return "Données des partenaires : déjà en place."
    today = today or timezone.localdate()
    shapes = dict(
        CommuneShape.objects.filter(commune__code__in=[s[0] for s in SOURCES]).values_list(
            "commune__code", "geometry"
        )
    )
    if len(shapes) < len(SOURCES):
        return "Données des partenaires : contours des communes absents (stspd import-shapes)."
    events = 0
    for index, (code, organisation_name, per_month, hot_spots) in enumerate(SOURCES):
        organisation, _ = Organisation.objects.get_or_create(
            name=organisation_name, defaults={"kind": OrganisationKind.POLICE_MUNICIPALE}
        )
        member, created = CouncilMember.objects.get_or_create(
            council=council,
            organisation=organisation,
            defaults={"representative": "Chef de service", "basis": MemberBasis.DESIGNATED},
        )
        if created:
            member.sync_titular()
        source = Source.objects.create(
            council=council,
            organisation=organisation,
            kind=SourceKind.POLICE_LOGBOOK,
            name=f"Main courante — {organisation_name} ({LABEL})",
        )
        for month_index, month in enumerate(month_starts(today)):
            seed = 2026 + 100 * index + month_index
            n = per_month + int(np.random.default_rng(seed).integers(-30, 30))
            data = logbook(shapes[code], code, month, n, hot_spots, seed)
            upload = workflow.stage_upload(
                source,
                file_name=f"main-courante-{month:%Y-%m}-donnees-fictives.csv",
                data=data,
                by=coordinator,
            )
            if month_index == 0:
                workflow.save_columns(
                    upload,
                    {
                        "date": "Date",
                        "category": "Nature de l'intervention",
                        "commune": "Commune",
                        "lon": "Longitude",
                        "lat": "Latitude",
                    },
                    by=coordinator,
                )
                choices = {}
                for label, _ in CATEGORIES:
                    existing = council.partner_indicators.filter(label=label).first()
                    choices[label] = str(existing.pk) if existing else "new"
                workflow.save_categories(upload, choices, unit="signalement", by=coordinator)
            workflow.import_upload(upload, by=coordinator, today=today)
            events += upload.facts_total
    return f"Données des partenaires : {events} faits fictifs importés (main courante, 3 mois)."
