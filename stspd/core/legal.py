"""The pages every French public website owes, and the register of processing activities.

- Legal notice (loi n° 2004-575 "LCEN", art. 1-1, formerly art. 6 III): publisher, director of
  publication, host. An operator fills them in through settings (`STSPD_PUBLISHER_*`,
  `STSPD_HOST_*`), since the platform is hosted by whoever runs it.
- Personal data (RGPD art. 13) and the register (art. 30): the processing activities are
  registered by the rooms that hold the data (`register` in their `AppConfig.ready`), each with
  a retention *function* that reads the very setting its purge uses. The page and the register
  are generated from them, so they cannot state a duration the code does not apply.
- Accessibility statement (loi n° 2005-102 art. 47, RGAA): the conformity state follows from the
  last audit the operator declares (`STSPD_ACCESSIBILITY_AUDIT_*`); without an audit the state is
  "non conforme", as the RGAA requires, whatever automated tests pass.

Sources: docs/security.md, "Legal pages".
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from .exports import Cell, append_row, csv_document


@dataclass(frozen=True)
class Processing:
    """One processing activity, as RGPD art. 30(1) lists its fields."""

    key: str
    name: str
    purpose: str
    legal_basis: str
    subjects: str
    data: str
    recipients: str
    # What the code does, read from the settings its purge uses ("5 ans après la réunion").
    retention: Callable[[], str]
    security: str = ""


_REGISTER: dict[str, Processing] = {}


def register(processing: Processing) -> None:
    """Called by each room's AppConfig.ready: the rooms above core describe their own data."""
    _REGISTER[processing.key] = processing


def processings() -> list[Processing]:
    return list(_REGISTER.values())


def site_identity() -> dict[str, str]:
    """The legal notice's fields; empty when the operator has not filled them in."""
    return {
        name: str(getattr(settings, f"STSPD_{name.upper()}", ""))
        for name in (
            "publisher_name",
            "publisher_address",
            "publisher_phone",
            "publication_director",
            "host_name",
            "host_address",
            "host_phone",
            "data_protection_contact",
            "accessibility_contact",
        )
    }


# RGAA's three states: 100 % of the applicable criteria met; at least 50 %; otherwise, or
# without a current audit, not conformant.
FULL, PARTIAL, NONE = "totalement conforme", "partiellement conforme", "non conforme"


@dataclass(frozen=True)
class AccessibilityState:
    state: str
    audit_date: datetime.date | None
    audit_rate: float | None  # percent of the applicable RGAA criteria met


def accessibility_state() -> AccessibilityState:
    text = settings.STSPD_ACCESSIBILITY_AUDIT_DATE
    rate = settings.STSPD_ACCESSIBILITY_AUDIT_RATE
    if not text or rate is None:
        return AccessibilityState(NONE, None, None)
    audit = datetime.date.fromisoformat(text)
    state = FULL if rate >= 100 else PARTIAL if rate >= 50 else NONE
    return AccessibilityState(state, audit, rate)


def footer(request: object) -> dict[str, str]:
    """Context processor: the conformity state every page's footer shows (RGAA)."""
    return {"accessibility_state": accessibility_state().state}


REGISTER_HEADER = [
    "Traitement",
    "Finalité",
    "Base légale",
    "Personnes concernées",
    "Catégories de données",
    "Destinataires",
    "Durée de conservation",
    "Mesures de sécurité",
    "Responsable du traitement",
    "Contact (délégué à la protection des données)",
]


def register_rows() -> list[list[Cell]]:
    identity = site_identity()
    return [
        [
            p.name,
            p.purpose,
            p.legal_basis,
            p.subjects,
            p.data,
            p.recipients,
            p.retention(),
            p.security,
            identity["publisher_name"],
            identity["data_protection_contact"],
        ]
        for p in processings()
    ]


def register_csv() -> str:
    return csv_document(REGISTER_HEADER, register_rows())


def register_xlsx() -> bytes:
    import io

    from openpyxl import Workbook  # type: ignore[import-untyped]  # no stubs; loaded when needed

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Registre des traitements"
    append_row(sheet, REGISTER_HEADER)
    for row in register_rows():
        append_row(sheet, row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
