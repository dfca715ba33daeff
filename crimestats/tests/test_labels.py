"""The versioned label table."""

from __future__ import annotations

import pytest

from crimestats.labels import (
    INDICATORS,
    V1_LABELS,
    V2_LABELS,
    UnknownLabelError,
    canonical_label,
    indicator,
)

# Every label of the real v1 files (February and July 2023 editions) and v2 file (June 2025).
REAL_V1 = [
    "Autres coups et blessures volontaires",
    "Cambriolages de logement",
    "Coups et blessures volontaires",
    "Coups et blessures volontaires intrafamiliaux",
    "Destructions et dégradations volontaires",
    "Trafic de stupéfiants",
    "Usage de stupéfiants",
    "Violences sexuelles",
    "Vols avec armes",
    "Vols d'accessoires sur véhicules",
    "Vols dans les véhicules",
    "Vols de véhicules",
    "Vols sans violence contre des personnes",
    "Vols violents sans arme",
]


def test_every_real_v1_label_is_known() -> None:
    for label in REAL_V1:
        assert canonical_label(label, schema=1) in INDICATORS


def test_v2_has_15_commune_indicators_and_3_departement_only() -> None:
    current = [INDICATORS[label] for label in V2_LABELS]
    assert len([i for i in current if i.scope == "commune"]) == 15
    assert sorted(i.label for i in current if i.scope == "departement") == [
        "Homicides",
        "Tentatives d'homicide",
        "Usage de stupéfiants (hors AFD)",
    ]


def test_renamed_v1_labels_map_to_their_v2_successor() -> None:
    assert canonical_label("Vols de véhicules") == "Vols de véhicule"
    assert canonical_label("Escroqueries") == "Escroqueries et fraudes aux moyens de paiement"


def test_split_violence_series_stay_separate_and_retired() -> None:
    for label in ("Coups et blessures volontaires", "Autres coups et blessures volontaires"):
        retired = indicator(label)
        assert retired.label == label
        assert retired.retired and retired.successors
        assert retired.label not in V2_LABELS
    assert not indicator("Violences physiques intrafamiliales").retired


def test_units_and_denominators() -> None:
    assert indicator("Cambriolages de logement").denominator == "dwellings"
    others = [i for i in INDICATORS.values() if i.label != "Cambriolages de logement"]
    assert {i.denominator for i in others} == {"inhabitants"}
    assert indicator("Vols sans violence contre des personnes").unit == "victime entendue"
    assert indicator("Usage de stupéfiants (AFD)").unit == "mis en cause"
    assert indicator("Vols de véhicule").unit == "véhicule"
    assert indicator("Vols avec armes").unit == "infraction"


def test_matching_tolerates_case_spaces_and_typographic_apostrophe() -> None:
    assert canonical_label("  vols D\u2019accessoires  sur véhicules ") == (
        "Vols d'accessoires sur véhicules"
    )


def test_unknown_label_is_named_in_the_error() -> None:
    with pytest.raises(UnknownLabelError) as caught:
        canonical_label("Vols de bicyclettes")
    assert caught.value.label == "Vols de bicyclettes"
    assert "« Vols de bicyclettes »" in str(caught.value)


def test_schema_restricts_the_table() -> None:
    with pytest.raises(UnknownLabelError):
        canonical_label("Vols de véhicules", schema=2)
    with pytest.raises(UnknownLabelError):
        canonical_label("Violences physiques intrafamiliales", schema=1)
    assert set(V1_LABELS.values()) <= set(INDICATORS)
