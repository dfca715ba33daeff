"""Versioned table of the SSMSI recorded-crime indicator labels.

The label is the only indicator key of the SSMSI communal, département and regional files
("Bases statistiques communale, départementale et régionale de la délinquance enregistrée par la
police et la gendarmerie nationales", data.gouv.fr dataset ``621df2954fa5a3b5a023e23c``), and the
labels were renamed between editions:

- schema v1 (editions July 2022 to July 2024), column ``classe``;
- schema v2 (from March 2025), column ``indicateur``; in July 2025 "Coups et blessures
  volontaires" (+ "intrafamiliaux" / "Autres") were replaced by "Violences physiques
  intrafamiliales" / "Violences physiques hors cadre familial", recomputed back to 2016.

A raw label maps to one canonical indicator. A v1 label with an exact v2 equivalent maps to it
("Vols de véhicules" -> "Vols de véhicule"); a v1 label without one keeps its own canonical
indicator flagged ``retired``, because the new series were recomputed with another scope and
splicing them would create a false break or a false continuity. An unknown label is an error.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

__all__ = [
    "INDICATORS",
    "LABEL_TABLE",
    "LABEL_TABLE_VERSION",
    "V1_LABELS",
    "V2_LABELS",
    "Denominator",
    "Indicator",
    "Unit",
    "UnknownLabelError",
    "canonical_label",
    "indicator",
    "normalise_unit",
]

LABEL_TABLE_VERSION: Final = "2025-07"
"""Last SSMSI edition whose labels were checked against this table."""

Unit = Literal["victime", "infraction", "victime entendue", "véhicule", "mis en cause"]
Denominator = Literal["inhabitants", "dwellings"]
GeoScope = Literal["commune", "departement"]

UNITS: Final[tuple[Unit, ...]] = (
    "victime",
    "infraction",
    "victime entendue",
    "véhicule",
    "mis en cause",
)


class UnknownLabelError(KeyError):
    """A label found in a file is not in the versioned label table."""

    def __init__(self, label: str) -> None:
        super().__init__(label)
        self.label = label

    def __str__(self) -> str:
        return (
            f"libellé d'indicateur inconnu : « {self.label} » (table des libellés "
            f"{LABEL_TABLE_VERSION} ; une nouvelle édition SSMSI a peut-être renommé un indicateur)"
        )


@dataclass(frozen=True, slots=True)
class Indicator:
    """A canonical indicator.

    ``scope`` is the finest geography at which SSMSI publishes it ("departement" for the
    indicators published only for départements and regions). ``retired`` marks a series that
    no current edition publishes; ``successors`` names the series that replaced it.
    """

    label: str
    unit: Unit
    denominator: Denominator
    scope: GeoScope = "commune"
    retired: bool = False
    successors: tuple[str, ...] = ()


def _ind(
    label: str,
    unit: Unit,
    denominator: Denominator = "inhabitants",
    *,
    scope: GeoScope = "commune",
    successors: tuple[str, ...] = (),
) -> Indicator:
    return Indicator(label, unit, denominator, scope, bool(successors), successors)


_VIOLENCES = ("Violences physiques intrafamiliales", "Violences physiques hors cadre familial")

# Source: docs/domain.md section 3 (v2 table) and the real v1/v2 files of February 2023, July 2023
# and June 2025. Burglary is the only rate per 1,000 dwellings (``LOG`` / ``insee_log``).
_ALL: Final[tuple[Indicator, ...]] = (
    _ind("Homicides", "victime", scope="departement"),
    _ind("Tentatives d'homicide", "victime", scope="departement"),
    _ind("Violences physiques intrafamiliales", "victime"),
    _ind("Violences physiques hors cadre familial", "victime"),
    _ind("Violences sexuelles", "victime"),
    _ind("Vols avec armes", "infraction"),
    _ind("Vols violents sans arme", "infraction"),
    _ind("Vols sans violence contre des personnes", "victime entendue"),
    _ind("Cambriolages de logement", "infraction", "dwellings"),
    _ind("Vols de véhicule", "véhicule"),
    _ind("Vols dans les véhicules", "véhicule"),
    _ind("Vols d'accessoires sur véhicules", "véhicule"),
    _ind("Destructions et dégradations volontaires", "infraction"),
    _ind("Usage de stupéfiants", "mis en cause"),
    _ind("Usage de stupéfiants (AFD)", "mis en cause"),
    _ind("Usage de stupéfiants (hors AFD)", "mis en cause", scope="departement"),
    _ind("Trafic de stupéfiants", "mis en cause"),
    _ind("Escroqueries et fraudes aux moyens de paiement", "victime"),
    # Retired in July 2025: split differently and recomputed back to 2016.
    _ind("Coups et blessures volontaires", "victime", successors=_VIOLENCES),
    _ind("Coups et blessures volontaires intrafamiliaux", "victime", successors=_VIOLENCES[:1]),
    _ind("Autres coups et blessures volontaires", "victime", successors=_VIOLENCES[1:]),
)

INDICATORS: Final = MappingProxyType({i.label: i for i in _ALL})
"""Canonical label -> indicator."""

V1_LABELS: Final = MappingProxyType(
    {
        "Coups et blessures volontaires": "Coups et blessures volontaires",
        "Coups et blessures volontaires intrafamiliaux": (
            "Coups et blessures volontaires intrafamiliaux"
        ),
        "Autres coups et blessures volontaires": "Autres coups et blessures volontaires",
        "Violences sexuelles": "Violences sexuelles",
        "Vols avec armes": "Vols avec armes",
        "Vols violents sans arme": "Vols violents sans arme",
        "Vols sans violence contre des personnes": "Vols sans violence contre des personnes",
        "Cambriolages de logement": "Cambriolages de logement",
        "Vols de véhicules": "Vols de véhicule",
        "Vols dans les véhicules": "Vols dans les véhicules",
        "Vols d'accessoires sur véhicules": "Vols d'accessoires sur véhicules",
        "Destructions et dégradations volontaires": "Destructions et dégradations volontaires",
        "Trafic de stupéfiants": "Trafic de stupéfiants",
        "Usage de stupéfiants": "Usage de stupéfiants",
        # Renamed in 2025 (docs/domain.md section 3).
        "Escroqueries": "Escroqueries et fraudes aux moyens de paiement",
    }
)
"""Schema v1 ``classe`` -> canonical label (editions July 2022 to July 2024)."""

V2_LABELS: Final = MappingProxyType(
    {i.label: i.label for i in _ALL if not i.retired},
)
"""Schema v2 ``indicateur`` -> canonical label (editions from March 2025)."""

LABEL_TABLE: Final = MappingProxyType({1: V1_LABELS, 2: V2_LABELS})
"""Schema version -> raw label -> canonical label."""


def _key(raw: str) -> str:
    text = unicodedata.normalize("NFC", raw).replace("\u2019", "'").replace("\u00a0", " ")
    return " ".join(text.split()).casefold()


_LOOKUP: Final[dict[int | None, dict[str, str]]] = {
    version: {_key(raw): canonical for raw, canonical in table.items()}
    for version, table in LABEL_TABLE.items()
}
_LOOKUP[None] = {
    **{_key(label): label for label in INDICATORS},
    **_LOOKUP[2],
    **_LOOKUP[1],
}


def canonical_label(raw: str, *, schema: int | None = None) -> str:
    """Return the canonical indicator label of a raw SSMSI label.

    Matching ignores case, surrounding and repeated spaces and typographic apostrophes. With
    ``schema`` (1 or 2) only that schema's labels are accepted; without it any known label is,
    including canonical labels of retired series (files written by :mod:`crimestats.ssmsi`).

    >>> canonical_label("Vols de véhicules")
    'Vols de véhicule'
    >>> canonical_label("Coups et blessures volontaires")
    'Coups et blessures volontaires'
    >>> canonical_label("Vols de véhicules", schema=2)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    crimestats.labels.UnknownLabelError: libellé d'indicateur inconnu : « Vols de véhicules »
    """
    table = _LOOKUP.get(schema)
    if table is None:
        raise ValueError(f"version de schéma inconnue : {schema!r} (1 ou 2 attendu)")
    found = table.get(_key(raw))
    if found is None:
        raise UnknownLabelError(raw)
    return found


def indicator(label: str) -> Indicator:
    """Return the indicator of a raw or canonical label (raises :class:`UnknownLabelError`)."""
    return INDICATORS[canonical_label(label)]


def normalise_unit(raw: str) -> str:
    """Return a unit of count as written in the label table ("Mis en cause" -> "mis en cause").

    >>> normalise_unit(" Victime entendue ")
    'victime entendue'
    """
    return " ".join(unicodedata.normalize("NFC", raw).split()).casefold()
