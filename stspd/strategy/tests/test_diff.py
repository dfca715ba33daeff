"""diff.py on literal snapshots: elements found by key, fields compared word by word."""

import copy
import doctest
from typing import Any

from stspd.strategy import diff
from stspd.strategy.diff import compare, flatten, word_diff_html


def action(key: str, title: str, **extra: Any) -> dict[str, Any]:
    return {
        "key": key,
        "title": title,
        "problem": "",
        "description": "",
        "public": "",
        "communes": [],
        "neighbourhoods": "",
        "lead": {"name": "Ville de Rouen", "kind": "commune"},
        "starts_on": None,
        "ends_on": None,
        "status": "planned",
        "partners": [],
        "milestones": [],
        "budget": [],
        "indicators": [],
    } | extra


def snapshot() -> dict[str, Any]:
    return {
        "schema": "stspd-strategy/1",
        "title": "Stratégie 2026-2028",
        "starts_on": "2026-01-01",
        "ends_on": "2028-12-31",
        "status": "draft",
        "version_number": 1,
        "evaluation_method": "Revue annuelle.",
        "diagnostic": {
            "title": "Diagnostic",
            "sections": [
                {"key": "7", "title": "Vols", "text": "Les vols baissent.", "indicator": None}
            ],
        },
        "axes": [
            {
                "key": "axe-a",
                "title": "Tranquillité publique",
                "description": "",
                "objectives": [
                    {
                        "key": "obj-1",
                        "statement": "Réduire les dégradations de biens publics",
                        "unquantified_reason": "",
                        "indicators": [
                            {
                                "key": "ind-1",
                                "indicator": {"name": "Dégradations"},
                                "baseline_value": "1.2",
                                "baseline_on": "2023-12-31",
                                "target_value": "1",
                                "deadline": "2028-12-31",
                                "direction": "decrease",
                                "public": False,
                            }
                        ],
                        "actions": [action("act-1", "Médiation de nuit")],
                    }
                ],
            },
            {"key": "axe-b", "title": "Jeunesse", "description": "", "objectives": []},
        ],
    }


def test_the_module_examples_hold() -> None:
    assert doctest.testmod(diff).failed == 0


def test_flatten_numbers_and_labels_every_element_in_reading_order() -> None:
    elements = flatten(snapshot())
    assert [(e.kind, e.key, e.number) for e in elements] == [
        ("strategy", "strategy", ""),
        ("section", "7", ""),
        ("axis", "axe-a", "1"),
        ("objective", "obj-1", "1.1"),
        ("indicator", "ind-1", ""),
        ("action", "act-1", "1.1.1"),
        ("axis", "axe-b", "2"),
    ]
    assert elements[3].label == "Objectif 1.1 « Réduire les dégradations de biens publics »"
    assert elements[4].value("target_value") == "1"
    assert elements[4].value("baseline_value") == "1,2"
    assert elements[4].value("baseline_on") == "31/12/2023"
    assert elements[4].value("direction") == "À la baisse"


def test_identical_snapshots_have_no_difference() -> None:
    assert compare(snapshot(), snapshot()) == []


def test_a_changed_statement_is_shown_word_by_word() -> None:
    new = snapshot()
    new["axes"][0]["objectives"][0]["statement"] = "Réduire fortement les dégradations de biens"
    [change] = compare(snapshot(), new)
    assert change.status == "changed" and change.element.key == "obj-1"
    assert not change.moved
    [field] = change.fields
    assert field.name == "statement" and field.label == "Objectif"
    assert field.html == (
        "Réduire<ins> fortement</ins> les dégradations de biens<del> publics</del>"
    )


def test_added_removed_and_moved_elements_are_told_apart() -> None:
    old = snapshot()
    new = copy.deepcopy(old)
    moved_action = new["axes"][0]["objectives"][0]["actions"].pop()
    new["axes"][1]["objectives"].append(
        {
            "key": "obj-2",
            "statement": "Prévenir le décrochage",
            "unquantified_reason": "Pas de source fiable.",
            "indicators": [],
            "actions": [moved_action],
        }
    )
    new["diagnostic"]["sections"] = []
    changes = {(c.element.key, c.status, c.moved) for c in compare(old, new)}
    assert changes == {
        ("obj-2", "added", False),
        ("act-1", "changed", True),
        ("7", "removed", False),
    }
    moved = next(c for c in compare(old, new) if c.element.key == "act-1")
    assert (moved.old_number, moved.element.number, moved.renumbered) == ("1.1.1", "2.1.1", True)
    assert moved.fields == []


def test_a_new_target_and_a_new_budget_line_are_field_changes() -> None:
    new = snapshot()
    new["axes"][0]["objectives"][0]["indicators"][0]["target_value"] = "0.8"
    new["axes"][0]["objectives"][0]["actions"][0]["budget"] = [
        {
            "funder": "fipd",
            "funder_name": "",
            "year": 2026,
            "planned": "15000",
            "committed": "0",
            "spent": "0",
        }
    ]
    by_key = {c.element.key: c for c in compare(snapshot(), new)}
    assert [(f.name, f.before, f.after) for f in by_key["ind-1"].fields] == [
        ("target_value", "1", "0,8")
    ]
    [budget] = by_key["act-1"].fields
    assert budget.label == "Budget" and budget.before == ""
    assert budget.html.startswith("<ins>2026 FIPD")
    assert budget.after.endswith(" : 15\u202f000\u00a0€ prévus")


def test_the_word_diff_escapes_html_on_both_sides() -> None:
    html = word_diff_html("<script>alert(1)</script> & co", "<b>gras</b> & co")
    assert "<script>" not in html and "<b>" not in html
    assert html == (
        "<del>&lt;script&gt;alert(1)&lt;/script&gt;</del>"
        "<ins>&lt;b&gt;gras&lt;/b&gt;</ins> &amp; co"
    )


def test_line_breaks_are_kept_in_the_word_diff() -> None:
    assert word_diff_html("un\ndeux", "un\ntrois") == "un\n<del>deux</del><ins>trois</ins>"


def test_punctuation_is_a_word_of_its_own() -> None:
    assert (
        word_diff_html("dans l'espace public", "dans l'espace public, et leurs familles")
        == "dans l'espace public<ins>, et leurs familles</ins>"
    )
