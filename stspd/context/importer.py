"""Import a context file (`stspd import-context KIND FILE`).

Parsing and every check are crimestats' (`read_context`); this module converts the geography to
the current reference and stores the result in one transaction: a failure leaves the stored
data as it was. A re-import of the same source and edition replaces that edition's values, and
only them. Former commune codes (communes merged since the file's geography) are mapped to their
current commune with the reference's table (`FormerCommuneCode`, shared with the SSMSI import):
a current commune made of several parts of the file gets no rate nor median (they do not add
up) but an unknown value with its reason; a QPV lies in the current commune of its former one.
Codes the reference does not know are reported, not stored; a file that would store nothing is
refused.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from crimestats import french
from crimestats.context import (
    INDICATORS,
    ContextFile,
    ContextFormatError,
    ContextState,
    merge_former_communes,
    read_commune_zones,
    read_context,
)
from stspd.audit.events import record
from stspd.territories.models import Commune, FormerCommuneCode

from .models import CommuneZone, ContextEdition, ContextValue, GeoLevel, Qpv

BATCH = 5000


@dataclass
class ContextReport:
    kind: str
    source_name: str
    edition: str
    geography_year: int | None
    rows_read: int = 0
    stored: int = 0
    states: Counter[str] = field(default_factory=Counter)
    qpvs: int = 0
    qpv_communes: int = 0
    zones_linked: int = 0
    replaced: int = 0
    merged: dict[str, str] = field(default_factory=dict)  # former code -> current code
    unknown_codes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        geography = f", géographie {self.geography_year}" if self.geography_year else ""
        lines = [
            f"Source « {self.kind} », édition {self.edition} (fichier « {self.source_name} »"
            f"{geography}) importée :",
            f"  lignes lues : {french.number(self.rows_read)}",
        ]
        if self.qpvs:
            lines.append(
                f"  QPV enregistrés : {french.number(self.qpvs)}, dans "
                f"{french.number(self.qpv_communes)} communes actuelles"
            )
        else:
            lines.append(f"  valeurs enregistrées : {french.number(self.stored)}")
            for state in ContextState:
                if self.states[state.value]:
                    lines.append(f"    {state.label} : {french.number(self.states[state.value])}")
        if self.zones_linked:
            lines.append(
                f"  communes rattachées à une zone d'emploi : {french.number(self.zones_linked)}"
            )
        lines.append(f"  valeurs de la même édition remplacées : {french.number(self.replaced)}")
        if self.merged:
            pairs = [f"{old} → {new}" for old, new in sorted(self.merged.items())]
            shown = ", ".join(pairs[:30]) + (
                f" et {len(pairs) - 30} autres" if len(pairs) > 30 else ""
            )
            rule = {
                "qpv": "un QPV d'une ancienne commune est dans sa commune actuelle",
                "chomage": "une commune fusionnée dont les parties sont dans des zones d'emploi "
                "différentes n'est rattachée à aucune",
            }.get(
                self.kind,
                "un taux ou une médiane d'une commune fusionnée n'est pas additionné : valeur "
                "inconnue, avec sa raison",
            )
            lines.append(
                f"  anciens codes de communes rapportés à la commune actuelle : "
                f"{french.number(len(pairs))} ({shown}) ; {rule}"
            )
        if self.unknown_codes:
            shown = ", ".join(self.unknown_codes[:30])
            if len(self.unknown_codes) > 30:
                shown += f" et {len(self.unknown_codes) - 30} autres"
            lines.append(
                f"  codes inconnus du référentiel, non enregistrés : "
                f"{french.number(len(self.unknown_codes))} : {shown}"
            )
        else:
            lines.append("  aucun code inconnu du référentiel")
        return "\n".join(lines)


def _reference() -> tuple[dict[str, int], dict[str, str]]:
    """Current commune code -> id, and former code -> current code."""
    communes = dict(Commune.objects.values_list("code", "id"))
    former = dict(FormerCommuneCode.objects.values_list("code", "commune__code"))
    return communes, former


def import_context(
    path: str | Path,
    kind: str,
    *,
    zones: str | Path | None = None,
    geography_year: int | None = None,
    edition: str | None = None,
) -> ContextReport:
    """Import `path` as a context file of `kind`; `zones` is the commune -> employment zone
    table the unemployment rates need. Raises ContextFormatError (nothing stored)."""
    path = Path(path)
    if kind == "chomage" and zones is None:
        raise ContextFormatError(
            path.name,
            None,
            None,
            "les taux de chômage sont par zone d'emploi : indiquez aussi la table des communes "
            "et de leur zone d'emploi (--zones FICHIER)",
        )
    parsed = read_context(path, kind, geography_year=geography_year, edition=edition)
    zone_table = read_commune_zones(zones) if zones is not None else None
    communes, former = _reference()
    report = ContextReport(kind, parsed.source_name, parsed.edition, parsed.geography_year)
    report.rows_read = parsed.rows_read
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with transaction.atomic():
        old = ContextEdition.objects.filter(kind=kind, edition=parsed.edition).first()
        if old is not None:
            report.replaced = old.values.count() + old.qpvs.count()
            old.delete()
        stored = ContextEdition.objects.create(
            kind=kind,
            edition=parsed.edition,
            source_name=parsed.source_name,
            geography_year=parsed.geography_year,
            sha256=digest,
            imported_at=timezone.now(),
        )
        if parsed.qpvs:
            _store_qpvs(parsed, stored, communes, former, report)
        else:
            _store_values(parsed, stored, communes, former, report)
        if zone_table is not None:
            _store_zones(zone_table, parsed, stored, communes, former, report)
        if not report.stored and not report.qpvs:
            raise ContextFormatError(
                parsed.source_name,
                None,
                None,
                "aucune valeur enregistrable : aucun code du fichier n'est dans le référentiel "
                "des communes (importez-le d'abord : stspd import-cog)",
            )
        record(
            None,
            "updated" if old is not None else "created",
            stored,
            label=f"Indicateurs de contexte {stored}",
            changes={"valeurs enregistrées": ["", str(report.stored or report.qpvs)]},
        )
    return report


def _store_values(
    parsed: ContextFile,
    edition: ContextEdition,
    communes: dict[str, int],
    former: dict[str, str],
    report: ContextReport,
) -> None:
    values, report.merged = merge_former_communes(parsed.values, former)
    unknown: set[str] = set()
    rows = []
    for value in values:
        commune_id = None
        if value.geo_level == GeoLevel.COMMUNE:
            commune_id = communes.get(value.code)
            if commune_id is None:
                unknown.add(value.code)
                continue
        rows.append(
            ContextValue(
                edition=edition,
                indicator=value.indicator,
                geo_level=value.geo_level,
                code=value.code,
                commune_id=commune_id,
                period=value.period,
                value=value.value,
                unit=INDICATORS[value.indicator].unit,
                state=value.state.value,
                note=value.note,
            )
        )
        report.states[value.state.value] += 1
    ContextValue.objects.bulk_create(rows, batch_size=BATCH)
    report.stored = len(rows)
    report.unknown_codes = sorted(unknown)


def _store_qpvs(
    parsed: ContextFile,
    edition: ContextEdition,
    communes: dict[str, int],
    former: dict[str, str],
    report: ContextReport,
) -> None:
    unknown: set[str] = set()
    links: list[tuple[int, set[int]]] = []
    qpvs = []
    for qpv in parsed.qpvs:
        members: set[int] = set()
        for code in qpv.communes:
            current = former.get(code, code)
            if current != code:
                report.merged[code] = current
            if current in communes:
                members.add(communes[current])
            else:
                unknown.add(code)
        if not members:
            continue  # a QPV of no known commune (outside the reference) is not stored
        qpvs.append(
            Qpv(edition=edition, code=qpv.code, name=qpv.name, zone=qpv.zone, status=qpv.status)
        )
        links.append((len(qpvs) - 1, members))
    created = Qpv.objects.bulk_create(qpvs, batch_size=BATCH)
    through = Qpv.communes.through
    through.objects.bulk_create(
        [
            through(qpv_id=created[index].pk, commune_id=commune_id)
            for index, members in links
            for commune_id in sorted(members)
        ],
        batch_size=BATCH,
    )
    report.qpvs = len(created)
    report.qpv_communes = len({c for _, members in links for c in members})
    report.unknown_codes = sorted(unknown)


def _store_zones(
    table: dict[str, str],
    parsed: ContextFile,
    edition: ContextEdition,
    communes: dict[str, int],
    former: dict[str, str],
    report: ContextReport,
) -> None:
    """A current commune's zone; parts of a merged commune in different zones give none."""
    zones_of: dict[str, set[str]] = {}
    for code, zone in table.items():
        current = former.get(code, code)
        if current != code:
            report.merged[code] = current
        zones_of.setdefault(current, set()).add(zone)
    rows = [
        CommuneZone(
            edition=edition,
            commune_id=communes[code],
            zone=next(iter(zones)),
            zone_name=parsed.names.get(next(iter(zones)), ""),
        )
        for code, zones in zones_of.items()
        if len(zones) == 1 and code in communes
    ]
    CommuneZone.objects.bulk_create(rows, batch_size=BATCH)
    report.zones_linked = len(rows)
    report.unknown_codes = sorted(
        set(report.unknown_codes) | {code for code in zones_of if code not in communes}
    )
