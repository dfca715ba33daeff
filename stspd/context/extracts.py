"""Build the shipped context extracts and the reference values from the national files.

`write_extracts(folder)` rewrites `data/` from the national files of the five sources (their
names in `data/README.md`): the lines of the demo's and the tests' départements (76, 31, 33)
kept byte for byte, the small national files (QPV list, unemployment rates) whole, and
`references.csv`, the département and France values the pages compare a commune with, computed
from the national files (`reference_values`).
"""

from __future__ import annotations

import csv
import gzip
import io
import statistics
from pathlib import Path

from crimestats.context import ContextState, read_context

DATA_DIR = Path(__file__).resolve().parent / "data"
DEPARTEMENTS = ("31", "33", "76")
NATIONAL = {
    "filosofi": "insee_filosofi_2021_cc_COM_geo2024.csv.gz",
    "qpv": "qpv2024_liste_communes.csv",
    "sru": "taux_logements_sociaux_sru_par_commune_2024.csv.gz",
    "ips": "depp_ips_ecoles_median_par_commune_2024-2025.csv.gz",
    "chomage": "insee_taux_chomage_localises_ze2020_2021T1-2025T4.csv",
    "zones": "insee_communes_ze2020.csv.gz",
}
SHIPPED = {
    "filosofi": "filosofi_2021_COM_geo2024_dep-31-33-76.csv.gz",
    "qpv": "qpv2024_liste_communes.csv.gz",
    "sru": "taux_logements_sociaux_sru_2024_dep-31-33-76.csv.gz",
    "ips": "depp_ips_ecoles_median_2024-2025_dep-31-33-76.csv.gz",
    "chomage": "insee_taux_chomage_localises_ze2020_2021T1-2025T4.csv.gz",
    "zones": "insee_communes_ze2020_dep-31-33-76.csv.gz",
}
REFERENCES = DATA_DIR / "references.csv"


def _find(folder: Path, name: str) -> Path:
    found = sorted(folder.rglob(name))
    if not found:
        raise FileNotFoundError(f"{name} introuvable sous {folder}")
    return found[0]


def _lines(path: Path) -> list[str]:
    payload = path.read_bytes()
    if payload[:2] == b"\x1f\x8b":
        payload = gzip.decompress(payload)
    return payload.decode("utf-8").splitlines(keepends=True)


def _write_gz(target: Path, lines: list[str]) -> None:
    # mtime=0: the same input gives the same bytes (gzip -n).
    with target.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write("".join(lines).encode("utf-8"))


def _keep(line: str, separator: str) -> bool:
    code = line.split(separator, 1)[0].strip('"')
    return code[:2] in DEPARTEMENTS


def write_extracts(folder: Path, target: Path = DATA_DIR) -> None:
    """Rewrite the shipped files from the national ones found under `folder`."""
    for kind, separator in (("filosofi", ";"), ("sru", ","), ("ips", ","), ("zones", ",")):
        header, *rows = _lines(_find(folder, NATIONAL[kind]))
        _write_gz(target / SHIPPED[kind], [header, *(r for r in rows if _keep(r, separator))])
    for kind in ("qpv", "chomage"):
        _write_gz(target / SHIPPED[kind], _lines(_find(folder, NATIONAL[kind])))
    REFERENCES.write_text(reference_values(folder), encoding="utf-8")


def _departement(code: str) -> str:
    return code[:3] if code.startswith("97") else code[:2]


def reference_values(folder: Path) -> str:
    """The CSV of reference values: per indicator, for each département and France, the median
    of the communes' values where published (a censored poverty rate counts at its bound, 5:
    every published rate is above it, so the median is exact while fewer than half are
    censored) and the number of communes it is computed over (for the social-housing rate, the
    communes above 0 %: 0 % mostly means a commune not subject to the SRU law); the unemployment
    rate of France is INSEE's national series (the file's `FR` row), not a median.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["indicator", "period", "area", "basis", "communes", "value"])
    for kind in ("filosofi", "sru", "ips"):
        parsed = read_context(_find(folder, NATIONAL[kind]), kind)
        groups: dict[tuple[str, str, str], list[float]] = {}
        for value in parsed.values:
            if value.value is None or value.state not in (
                ContextState.PUBLISHED,
                ContextState.CENSORED,
            ):
                continue
            if value.indicator == "social_housing_rate" and value.value == 0:
                continue  # 0 % mostly means "not subject to the SRU law", not "none"
            for area in (_departement(value.code), "FR"):
                groups.setdefault((value.indicator, value.period, area), []).append(value.value)
        for (indicator, period, area), values in sorted(groups.items()):
            writer.writerow(
                [
                    indicator,
                    period,
                    area,
                    "median_of_communes_above_zero"
                    if indicator == "social_housing_rate"
                    else "median_of_communes",
                    len(values),
                    f"{statistics.median(values):g}",
                ]
            )
    parsed = read_context(_find(folder, NATIONAL["chomage"]), "chomage")
    for value in parsed.values:
        if value.geo_level == "france" and value.value is not None:
            writer.writerow(
                [value.indicator, value.period, "FR", "national_series", "", f"{value.value:g}"]
            )
    return out.getvalue()


def load_references() -> dict[tuple[str, str], tuple[str, str, int | None, float]]:
    """(indicator, area) -> (period, basis, communes, value) from the shipped references, the
    latest period of each."""
    result: dict[tuple[str, str], tuple[str, str, int | None, float]] = {}
    with REFERENCES.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = (row["indicator"], row["area"])
            if key in result and result[key][0] >= row["period"]:
                continue
            communes = int(row["communes"]) if row["communes"] else None
            result[key] = (row["period"], row["basis"], communes, float(row["value"]))
    return result
