"""The open data of a council (schema in docs/open-data.md) and the DCAT-AP catalogue.

CSV: `;` separator, UTF-8 with a byte-order mark (so that a spreadsheet opens accents right),
decimal POINT (machine-readable, as schema.data.gouv.fr advises; the separator `;` leaves the
comma free, but a point is what every tool parses). A suppressed value is an EMPTY cell with the
state `non_diffusee`: never a 0.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.urls import reverse

from crimestats.states import ValueState
from stspd.core.exports import csv_document
from stspd.steering.dashboard import IndicatorRow

from .funds import PublicFunds
from .portal import Publication, public_document

LICENSE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
STATES = {state.value: state.open_data for state in ValueState}  # a published format
INDICATOR_COLUMNS = [
    "code_territoire",
    "conseil",
    "indicateur",
    "unite",
    "statut",
    "motif_statut",
    "valeur_reference",
    "date_reference",
    "cible",
    "echeance",
    "sens",
    "periode",
    "debut_periode",
    "fin_periode",
    "valeur",
    "etat_valeur",
    "origine",
]
STRATEGY_COLUMNS = [
    "code_territoire",
    "conseil",
    "version",
    "niveau",
    "numero",
    "intitule",
    "texte",
]


# One row per budget line ("budget") then per State grant ("subvention_etat"); amounts in euros
# with a decimal point and two decimals.
FUNDS_COLUMNS = [
    "code_territoire",
    "conseil",
    "id_strategie",
    "nature",
    "annee",
    "numero_action",
    "action",
    "financeur_code",
    "financeur",
    "precision_financeur",
    "prevu",
    "engage",
    "depense",
    "projet",
    "accorde",
    "verse",
]


# The files of every strategy of a council start with the strategy they belong to.
STRATEGY_KEY_COLUMNS = ["id_strategie", "titre_strategie", "debut_strategie", "fin_strategie"]


def territory_code(pub: Publication) -> str:
    return pub.council.territory_code


def file_suffix(pub: Publication) -> str:
    """The downloaded file's name part: territory and strategy (two strategies of a council
    never share a file name)."""
    return f"{territory_code(pub)}-{pub.strategy.pk}"


def strategy_key(pub: Publication) -> dict[str, Any]:
    return {
        "id_strategie": pub.strategy.pk,
        "titre_strategie": pub.data["title"],
        "debut_strategie": pub.data["starts_on"],
        "fin_strategie": pub.data["ends_on"],
    }


def number(value: float | None) -> str | None:
    """A value as text with a decimal point, no useless zeros: 1.50 -> "1.5"."""
    if value is None:
        return None
    return f"{value:.6f}".rstrip("0").rstrip(".")


def indicator_data(row: IndicatorRow) -> dict[str, Any]:
    use = row.use
    return {
        "indicateur": row.name,
        "unite": row.unit,
        "statut": row.status.label if row.status else None,
        "motif_statut": row.status.reason if row.status else row.note,
        "valeur_reference": number(float(use.baseline_value))
        if use.baseline_value is not None
        else None,
        "date_reference": use.baseline_on.isoformat() if use.baseline_on else None,
        "cible": number(float(use.target_value)) if use.target_value is not None else None,
        "echeance": use.deadline.isoformat() if use.deadline else None,
        "sens": use.direction,
        "valeurs": [
            {
                "periode": p.label,
                "debut_periode": p.start.isoformat(),
                "fin_periode": p.end.isoformat(),
                "valeur": None if p.state == ValueState.SUPPRESSED else number(p.value),
                "etat_valeur": STATES[p.state],
                "origine": "ssmsi" if p.source == "observatory" else "conseil",
            }
            for p in row.points
        ],
    }


def indicators_json(pub: Publication, rows: list[IndicatorRow]) -> str:
    data = {
        "schema": "stspd-public-indicators/1",
        "code_territoire": territory_code(pub),
        "conseil": pub.council.name,
        "strategie": pub.data["title"],
        "version": pub.version,
        "indicateurs": [indicator_data(row) for row in rows],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def _csv(columns: list[str], rows: list[dict[str, Any]]) -> str:
    for row in rows:
        if unknown := set(row) - set(columns):
            raise ValueError(f"columns not declared: {sorted(unknown)}")
    return csv_document(columns, ([row.get(column) for column in columns] for row in rows))


def indicators_csv(pub: Publication, rows: list[IndicatorRow]) -> str:
    return _csv(INDICATOR_COLUMNS, _indicator_lines(pub, rows))


def _indicator_lines(pub: Publication, rows: list[IndicatorRow]) -> list[dict[str, Any]]:
    lines = []
    for row in rows:
        data = indicator_data(row)
        values = data.pop("valeurs")
        common = {"code_territoire": territory_code(pub), "conseil": pub.council.name, **data}
        for value in values or [{}]:
            lines.append(common | value)
    return lines


def all_indicators_csv(pubs: list[tuple[Publication, list[IndicatorRow]]]) -> str:
    """Every adopted strategy's public indicators, one strategy after the other."""
    lines = [strategy_key(pub) | line for pub, rows in pubs for line in _indicator_lines(pub, rows)]
    return _csv(STRATEGY_KEY_COLUMNS + INDICATOR_COLUMNS, lines)


def all_indicators_json(pubs: list[tuple[Publication, list[IndicatorRow]]]) -> str:
    data = {
        "schema": "stspd-public-indicators-all/1",
        "strategies": [
            json.loads(indicators_json(pub, rows)) | strategy_key(pub) for pub, rows in pubs
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def strategy_data(pub: Publication) -> dict[str, Any]:
    """The adopted strategy's structure: axes, objectives, actions (no budget, no partners'
    roles: the signed PDF holds the whole text)."""
    doc = public_document(pub)
    return {
        "schema": "stspd-public-strategy/1",
        "code_territoire": territory_code(pub),
        "conseil": pub.council.name,
        "titre": doc["title"],
        "version": pub.version,
        "debut": doc["starts_on"],
        "fin": doc["ends_on"],
        "axes": [
            {
                "numero": axis["number"],
                "intitule": axis["title"],
                "description": axis["description"],
                "objectifs": [
                    {
                        "numero": objective["number"],
                        "intitule": objective["statement"],
                        "actions": [
                            {
                                "numero": action["number"],
                                "intitule": action["title"],
                                "probleme": action["problem"],
                                "description": action["description"],
                                "pilote": action["lead"]["name"] if action["lead"] else None,
                                "debut": action["starts_on"],
                                "fin": action["ends_on"],
                            }
                            for action in objective["actions"]
                        ],
                    }
                    for objective in axis["objectives"]
                ],
            }
            for axis in doc["axes"]
        ],
    }


def strategy_json(pub: Publication) -> str:
    return json.dumps(strategy_data(pub), ensure_ascii=False, indent=2)


def strategy_csv(pub: Publication) -> str:
    return _csv(STRATEGY_COLUMNS, _strategy_lines(pub))


def all_strategies_csv(pubs: list[Publication]) -> str:
    lines = [strategy_key(pub) | line for pub in pubs for line in _strategy_lines(pub)]
    return _csv(STRATEGY_KEY_COLUMNS + STRATEGY_COLUMNS, lines)


def all_strategies_json(pubs: list[Publication]) -> str:
    data = {
        "schema": "stspd-public-strategy-all/1",
        "strategies": [strategy_data(pub) | strategy_key(pub) for pub in pubs],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def _strategy_lines(pub: Publication) -> list[dict[str, Any]]:
    data = strategy_data(pub)
    common = {
        "code_territoire": data["code_territoire"],
        "conseil": data["conseil"],
        "version": data["version"],
    }
    lines = []
    for axis in data["axes"]:
        lines.append(
            common
            | {
                "niveau": "axe",
                "numero": axis["numero"],
                "intitule": axis["intitule"],
                "texte": axis["description"],
            }
        )
        for objective in axis["objectifs"]:
            lines.append(
                common
                | {
                    "niveau": "objectif",
                    "numero": objective["numero"],
                    "intitule": objective["intitule"],
                    "texte": "",
                }
            )
            for action in objective["actions"]:
                lines.append(
                    common
                    | {
                        "niveau": "action",
                        "numero": action["numero"],
                        "intitule": action["intitule"],
                        "texte": action["description"] or action["probleme"],
                    }
                )
    return lines


def _euros(value: Any) -> str:
    """An amount as open data: decimal point, two decimals ("9000.50")."""
    return f"{value:.2f}"


def funds_lines(funds: PublicFunds) -> list[dict[str, Any]]:
    pub = funds.pub
    common = {
        "code_territoire": territory_code(pub),
        "conseil": pub.council.name,
        "id_strategie": pub.strategy.pk,
    }
    rows = [
        common
        | {
            "nature": "budget",
            "annee": line.year,
            "numero_action": line.number,
            "action": line.action,
            "financeur_code": line.funder,
            "financeur": line.funder_label,
            "precision_financeur": line.funder_name,
            "prevu": _euros(line.planned),
            "engage": _euros(line.committed),
            "depense": _euros(line.spent),
        }
        for line in funds.lines
    ]
    rows += [
        common
        | {
            "nature": "subvention_etat",
            "annee": grant.year,
            "numero_action": grant.number,
            "action": grant.action,
            "financeur_code": "fipd",
            "financeur": "FIPD",
            "projet": grant.project,
            "accorde": _euros(grant.granted),
            "verse": _euros(grant.paid),
        }
        for grant in funds.grants
    ]
    return rows


def funds_csv(funds: PublicFunds) -> str:
    return _csv(FUNDS_COLUMNS, funds_lines(funds))


def funds_json(funds: PublicFunds) -> str:
    pub = funds.pub

    def sums(totals: Any) -> dict[str, str]:
        return {
            "prevu": _euros(totals.planned),
            "engage": _euros(totals.committed),
            "depense": _euros(totals.spent),
        }

    data = {
        "schema": "stspd-public-funds/1",
        "code_territoire": territory_code(pub),
        "conseil": pub.council.name,
        "strategie": pub.data["title"],
        "version": pub.version,
        "unite": "euro",
        **strategy_key(pub),
        "lignes_budgetaires": [
            {
                "annee": line.year,
                "numero_action": line.number,
                "action": line.action,
                "financeur_code": line.funder,
                "financeur": line.funder_label,
                "precision_financeur": line.funder_name,
                **sums(line),
            }
            for line in funds.lines
        ],
        "subventions_etat": [
            {
                "financeur_code": "fipd",
                "annee": grant.year,
                "numero_action": grant.number,
                "action": grant.action,
                "projet": grant.project,
                "accorde": _euros(grant.granted),
                "verse": _euros(grant.paid),
            }
            for grant in funds.grants
        ],
        "totaux": {
            "par_financeur": [
                {"financeur_code": code, "financeur": label, **sums(totals)}
                for code, label, totals in funds.by_funder
            ],
            "par_annee": [{"annee": year, **sums(totals)} for year, totals in funds.by_year],
            "total": sums(funds.total),
            "subventions_etat": {
                "accorde": _euros(funds.grants_total[0]),
                "verse": _euros(funds.grants_total[1]),
            },
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def catalogue(pubs: list[Publication], base: str, modified: dict[int, datetime.datetime]) -> str:
    """A DCAT-AP catalogue (JSON-LD): one dataset per council and kind, each with its CSV and
    JSON distributions. `base` is the site's address (scheme and host)."""

    def url(name: str, pub: Publication) -> str:
        return base + reverse(name, args=[pub.council.pk])

    datasets = []
    for pub in pubs:
        council = pub.council
        publisher = {
            "@type": "foaf:Agent",
            "foaf:name": council.name,
            "dct:identifier": territory_code(pub),
        }
        when = modified[council.pk].isoformat()
        for kind, title, description in [
            (
                "indicators",
                f"Indicateurs de résultat publics — {council.name}",
                "Valeurs, états (publiée, zéro, non diffusée) et statut des indicateurs de "
                f"résultat que le conseil publie, stratégie « {pub.data['title']} ».",
            ),
            (
                "strategy",
                f"Stratégie territoriale adoptée — {council.name}",
                "Axes, objectifs et fiches action de la stratégie territoriale de sécurité et de "
                f"prévention de la délinquance adoptée (version {pub.version}).",
            ),
            (
                "funds",
                f"Financements de la stratégie — {council.name}",
                "Montants prévus, engagés et dépensés par fiche action, financeur et année, et "
                "subventions de l'État (FIPD) accordées et versées, stratégie "
                f"« {pub.data['title']} ».",
            ),
        ]:
            datasets.append(
                {
                    "@id": url("public:council", pub) + f"#{kind}",
                    "@type": "dcat:Dataset",
                    "dct:identifier": f"stspd-{territory_code(pub)}-{kind}",
                    "dct:title": title,
                    "dct:description": description,
                    "dct:publisher": publisher,
                    "dct:license": {"@id": LICENSE},
                    "dct:modified": {"@value": when, "@type": "xsd:dateTime"},
                    "dcat:landingPage": {
                        "@id": url("public:funds" if kind == "funds" else "public:council", pub)
                    },
                    "dcat:keyword": ["sécurité", "prévention de la délinquance", "CLSPD"],
                    "dcat:distribution": [
                        {
                            "@type": "dcat:Distribution",
                            "dct:title": f"{title} ({fmt})",
                            "dcat:downloadURL": {"@id": url(f"public:{kind}_{fmt.lower()}", pub)},
                            "dcat:accessURL": {"@id": url(f"public:{kind}_{fmt.lower()}", pub)},
                            "dct:format": fmt,
                            "dcat:mediaType": media,
                            "dct:license": {"@id": LICENSE},
                        }
                        for fmt, media in [("CSV", "text/csv"), ("JSON", "application/json")]
                    ],
                }
            )
    data = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": base + reverse("public:catalogue"),
        "@type": "dcat:Catalog",
        "dct:title": "Stratégies territoriales de sécurité et de prévention de la délinquance",
        "dct:description": "Données ouvertes des conseils locaux et intercommunaux de sécurité "
        "et de prévention de la délinquance hébergés par cette plateforme.",
        "dct:license": {"@id": LICENSE},
        "dcat:dataset": datasets,
    }
    return json.dumps(data, ensure_ascii=False, indent=2)
