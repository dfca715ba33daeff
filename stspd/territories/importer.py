"""Load the official commune reference (COG) shipped with the project.

The files come from the npm package @etalab/decoupage-administratif (INSEE / DGCL, Licence
Ouverte 2.0): communes with population and EPCI membership, EPCI, départements and regions.
Loading is an upsert on the official codes, in one transaction: re-running it is safe, and
councils that point at a commune keep pointing at it.
"""

import csv
import gzip
import io
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from stspd.core.cache import bump

from .models import Commune, CommuneKind, Departement, Epci, FormerCommuneCode, Region
from .search import search_key

DATA_DIR = Path(__file__).resolve().parent / "data"
COMMUNES_FILE = DATA_DIR / "communes_epci_cog2026.csv.gz"
EPCI_FILE = DATA_DIR / "epci_2025-2026.csv.gz"
FORMER_CODES_FILE = DATA_DIR / "anciens_codes_vers_cog2026.csv.gz"
BATCH = 2000


@dataclass
class ImportReport:
    regions: int = 0
    departements: int = 0
    epci: int = 0
    communes: int = 0
    skipped: int = 0
    former_codes: int = 0

    def __str__(self) -> str:
        return (
            f"{self.regions} régions, {self.departements} départements, {self.epci} EPCI, "
            f"{self.communes} communes et arrondissements municipaux chargés"
            f" ({self.skipped} lignes ignorées : communes déléguées, associées ou hors référentiel)"
            f", {self.former_codes} anciens codes de communes fusionnées depuis rattachés à leur "
            "commune actuelle"
        )


def read_csv(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(io.StringIO(handle.read())))


def as_int(value: str) -> int | None:
    return int(float(value)) if value else None


@transaction.atomic
def import_cog(data_dir: Path = DATA_DIR) -> ImportReport:
    report = ImportReport()
    regions = json.loads((data_dir / "regions.json").read_text(encoding="utf-8"))
    Region.objects.bulk_create(
        [Region(code=r["code"], name=r["nom"]) for r in regions],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name"],
    )
    region_ids = dict(Region.objects.values_list("code", "id"))
    report.regions = len(region_ids)

    departements = [
        Departement(
            code=d["code"],
            name=d["nom"],
            region_id=region_ids[d["region"]],
            search_name=search_key(d["nom"]),
        )
        for d in json.loads((data_dir / "departements.json").read_text(encoding="utf-8"))
        # Overseas collectivities (COM) have no region in the reference and no SSMSI data.
        if d["region"] in region_ids
    ]
    Departement.objects.bulk_create(
        departements,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "region", "search_name"],
    )
    departement_ids = dict(Departement.objects.values_list("code", "id"))
    report.departements = len(departement_ids)

    epcis = [
        Epci(
            siren=row["epci_siren"],
            name=row["nom"],
            kind=row["type"],
            population=as_int(row["population_municipale"]) or 0,
            search_name=search_key(row["nom"]),
        )
        for row in read_csv(data_dir / EPCI_FILE.name)
    ]
    Epci.objects.bulk_create(
        epcis,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["siren"],
        update_fields=["name", "kind", "population", "search_name"],
    )
    epci_ids = dict(Epci.objects.values_list("siren", "id"))
    report.epci = len(epci_ids)

    communes: list[Commune] = []
    parents: dict[str, str] = {}
    for row in read_csv(data_dir / COMMUNES_FILE.name):
        kind = {
            "commune-actuelle": CommuneKind.COMMUNE,
            "arrondissement-municipal": CommuneKind.ARRONDISSEMENT,
        }.get(row["type"])
        departement_id = departement_ids.get(row["departement"])
        if kind is None or departement_id is None:
            report.skipped += 1
            continue
        if row["commune_parent"]:
            parents[row["code_insee"]] = row["commune_parent"]
        communes.append(
            Commune(
                code=row["code_insee"],
                name=row["nom"],
                kind=kind,
                departement_id=departement_id,
                epci_id=epci_ids.get(row["epci_siren"]),
                population=as_int(row["population"]),
                postal_codes=row["codes_postaux"].replace(" ", ",")[:200],
                search_name=search_key(row["nom"]),
            )
        )
    Commune.objects.bulk_create(
        communes,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=[
            "name",
            "kind",
            "departement",
            "epci",
            "population",
            "postal_codes",
            "search_name",
        ],
    )
    commune_ids = dict(Commune.objects.values_list("code", "id"))
    arrondissements = list(Commune.objects.filter(code__in=parents))
    for arrondissement in arrondissements:
        arrondissement.parent_id = commune_ids[parents[arrondissement.code]]
    Commune.objects.bulk_update(arrondissements, ["parent"])
    report.communes = len(commune_ids)
    report.former_codes = _load_former_codes(data_dir, commune_ids)
    bump()  # territories' names and codes show on cached pages (stspd/core/cache.py)
    return report


def _load_former_codes(data_dir: Path, commune_ids: dict[str, int]) -> int:
    """Replace the former commune codes with the shipped table's (nothing points at them)."""
    former = [
        FormerCommuneCode(
            code=row["ancien_code"],
            name=row["ancien_nom"],
            commune_id=commune_ids[row["code_insee_2026"]],
        )
        for row in read_csv(data_dir / FORMER_CODES_FILE.name)
        # A code that is a commune of the reference again (restored) is not a former one.
        if row["code_insee_2026"] in commune_ids and row["ancien_code"] not in commune_ids
    ]
    FormerCommuneCode.objects.all().delete()
    FormerCommuneCode.objects.bulk_create(former, batch_size=BATCH)
    return len(former)
