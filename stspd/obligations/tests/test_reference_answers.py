"""Known answers from the shipped commune reference and QPV list, computed here independently
of the code under test (csv module on the shipped files, no Django query)."""

import csv
import datetime
import gzip
from pathlib import Path

import pytest

from stspd.context.extracts import SHIPPED
from stspd.context.importer import import_context
from stspd.obligations.rules import obligations
from stspd.obligations.territory import communes_above, required_communes
from stspd.territories.importer import COMMUNES_FILE, DATA_DIR, import_cog
from stspd.territories.models import Departement

CONTEXT_DATA = Path(__file__).resolve().parents[2] / "context" / "data"
QPV_FILE = CONTEXT_DATA / SHIPPED["qpv"]
FORMER_CODES = DATA_DIR / "anciens_codes_vers_cog2026.csv.gz"
TODAY = datetime.date(2026, 12, 7)


def shipped_communes() -> dict[str, dict[str, str]]:
    """Current communes (not arrondissements, not delegated communes) of the shipped file."""
    with gzip.open(COMMUNES_FILE, "rt", encoding="utf-8") as handle:
        return {
            row["code_insee"]: row
            for row in csv.DictReader(handle)
            if row["type"] == "commune-actuelle"
        }


def population(row: dict[str, str]) -> int:
    return int(float(row["population"])) if row["population"] else 0


def shipped_qpv_communes(current: dict[str, dict[str, str]]) -> set[str]:
    """Codes of current communes with a QPV: the list's codes, a former code as its commune."""
    with gzip.open(FORMER_CODES, "rt", encoding="utf-8") as handle:
        former = {row["ancien_code"]: row["code_insee_2026"] for row in csv.DictReader(handle)}
    with gzip.open(QPV_FILE, "rt", encoding="utf-8") as handle:
        codes = {code for row in csv.DictReader(handle) for code in row["insee_com"].split(";")}
    mapped = {code if code in current else former.get(code, code) for code in codes}
    return {code for code in mapped if code in current}


@pytest.fixture
def reference(db: None) -> dict[str, dict[str, str]]:
    import_cog()
    import_context(QPV_FILE, "qpv")
    return shipped_communes()


def test_communes_above_each_threshold_match_the_shipped_file(reference) -> None:  # type: ignore[no-untyped-def]
    departements = set(Departement.objects.values_list("code", flat=True))
    kept = {code: row for code, row in reference.items() if row["departement"] in departements}
    for threshold in (5000, 15000, 50000):
        expected = {code for code, row in kept.items() if population(row) > threshold}
        found = set(communes_above(threshold).values_list("code", flat=True))
        assert found == expected, threshold
    # Orders of magnitude the issue quotes (about 2,280 communes above 5,000 inhabitants).
    assert 2000 < len({c for c, r in kept.items() if population(r) > 5000}) < 2600


def test_the_communes_that_must_have_a_council_are_those_above_5000_or_with_a_qpv(
    reference,
) -> None:  # type: ignore[no-untyped-def]
    rule = obligations().council_required_on(TODAY)
    assert (rule.population_above, rule.with_qpv) == (5000, True)
    departements = set(Departement.objects.values_list("code", flat=True))
    kept = {code: row for code, row in reference.items() if row["departement"] in departements}
    qpv = shipped_qpv_communes(reference) & set(kept)
    above = {code for code, row in kept.items() if population(row) > 5000}
    required = {row.commune.code: row for row in required_communes(None, TODAY)}
    assert set(required) == above | qpv
    assert {code for code, row in required.items() if row.has_qpv} == qpv
    assert {code for code, row in required.items() if row.above_threshold} == above
    # The QPV list names 834 communes (2024 geography); some are below 5,000 inhabitants.
    assert 800 < len(qpv) <= 834
    assert qpv - above


def test_seine_maritime_list_of_communes_that_must_have_a_council(reference) -> None:  # type: ignore[no-untyped-def]
    qpv = shipped_qpv_communes(reference)
    expected = {
        code
        for code, row in reference.items()
        if row["departement"] == "76" and (population(row) > 5000 or code in qpv)
    }
    found = {
        row.commune.code for row in required_communes(Departement.objects.get(code="76"), TODAY)
    }
    assert found == expected
    # Rouen, Le Havre, Dieppe and Saint-Étienne-du-Rouvray are among them.
    assert {"76540", "76351", "76217", "76575"} <= found
    # Seine-Maritime's 29 QPV lie in fewer communes; each of those communes is listed.
    assert {code for code in qpv if code.startswith("76")} <= found
