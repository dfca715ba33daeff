"""Two snapshots of a strategy (snapshot.py) compared element by element, word by word.

Pure functions over the JSON data: no database. An element is found again in the other
snapshot by its stable `key`, so an axis renamed or an action moved under another objective is
"changed" or "moved", never "removed" then "added".

>>> word_diff_html("Réduire les vols de 10 %", "Réduire les vols de 20 %")
'Réduire les vols de <del>10</del><ins>20</ins> %'
>>> word_diff_html("a < b", "a < b & c")
'a &lt; b<ins> &amp; c</ins>'
"""

import datetime
import difflib
import html
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from crimestats.french import date, euros, number
from stspd.indicators.enums import Direction

from .documents.content import label as choice
from .enums import ActionStatus, Funder, PartnerRole
from .numbering import numbered_tree

ADDED, REMOVED, CHANGED = "added", "removed", "changed"

FIELD_LABELS: dict[str, dict[str, str]] = {
    "strategy": {
        "title": "Titre",
        "starts_on": "Début de la période",
        "ends_on": "Fin de la période",
        "evaluation_method": "Méthode d'évaluation",
    },
    "section": {"title": "Titre", "text": "Texte", "indicator": "Indicateur illustré"},
    "axis": {"title": "Intitulé", "description": "Enjeux"},
    "objective": {
        "statement": "Objectif",
        "unquantified_reason": "Justification d'un objectif non chiffré",
    },
    "indicator": {
        "baseline_value": "Valeur de référence",
        "baseline_on": "Date de la valeur de référence",
        "target_value": "Cible",
        "deadline": "Échéance",
        "direction": "Sens souhaité",
        "commune": "Périmètre (code de la commune)",
    },
    "action": {
        "title": "Intitulé",
        "problem": "Problème traité",
        "description": "Description",
        "public": "Public visé",
        "neighbourhoods": "Quartiers prioritaires et lieux",
        "communes": "Communes",
        "lead": "Pilote",
        "partners": "Partenaires",
        "starts_on": "Début",
        "ends_on": "Fin",
        "status": "État",
        "milestones": "Jalons",
        "budget": "Budget",
        "indicators": "Indicateurs d'activité",
    },
}
KIND_LABELS = {
    "strategy": "Stratégie",
    "section": "Section du diagnostic",
    "axis": "Axe",
    "objective": "Objectif",
    "indicator": "Indicateur de résultat",
    "action": "Fiche action",
}


@dataclass(frozen=True)
class Element:
    """One commentable piece of a snapshot, its fields as the text a reader sees."""

    kind: str
    key: str
    number: str
    title: str
    parent: str
    fields: tuple[tuple[str, str, str], ...]  # (name, label, text)

    @property
    def label(self) -> str:
        """ "Objectif 1.2 « Réduire... »": what the element is called in a list of remarks."""
        kind = KIND_LABELS[self.kind]
        if self.kind == "strategy":
            return f"La stratégie « {self.title} »"
        number = f" {self.number}" if self.number else ""
        return f"{kind}{number} « {self.title} »"

    def value(self, name: str) -> str:
        return dict((n, text) for n, _, text in self.fields).get(name, "")


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    before: str
    after: str

    @property
    def html(self) -> str:
        return word_diff_html(self.before, self.after)


@dataclass(frozen=True)
class Change:
    """What became of one element: added, removed or changed (and perhaps moved)."""

    status: str
    element: Element  # the new one, or the old one when removed
    old_number: str = ""
    moved: bool = False
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def renumbered(self) -> bool:
        return self.status == CHANGED and self.old_number != self.element.number


def date_fr(value: str | None) -> str:
    return date(datetime.date.fromisoformat(value)) if value else ""


def number_fr(value: str | None) -> str:
    return "" if value is None else number(Decimal(value), None)


def lines(items: list[str]) -> str:
    return "\n".join(items)


def _spent(line: dict[str, Any]) -> str:
    """What was committed and spent, when anything was (the planned amount alone otherwise)."""
    parts = [
        f"{euros(line[name])} {word}"
        for name, word in (("committed", "engagés"), ("spent", "dépensés"))
        if Decimal(line.get(name) or 0)
    ]
    return ", " + ", ".join(parts) if parts else ""


def action_fields(action: dict[str, Any]) -> dict[str, str]:
    lead = action.get("lead")
    return {
        "title": action["title"],
        "problem": action["problem"],
        "description": action["description"],
        "public": action["public"],
        "neighbourhoods": action["neighbourhoods"],
        "communes": ", ".join(action["communes"]),
        "lead": lead["name"] if lead else "",
        "partners": lines(
            [
                f"{p['organisation']['name']} ({choice(PartnerRole, p['role']).lower()})"
                for p in action["partners"]
            ]
        ),
        "starts_on": date_fr(action["starts_on"]),
        "ends_on": date_fr(action["ends_on"]),
        "status": choice(ActionStatus, action["status"]),
        "milestones": lines(
            [
                f"{m['title']} : {date_fr(m['due_on'])}"
                + (f" (réalisé le {date_fr(m['done_on'])})" if m.get("done_on") else "")
                for m in action["milestones"]
            ]
        ),
        "budget": lines(
            [
                f"{line['year']} {choice(Funder, line['funder'])}"
                + (f" ({line['funder_name']})" if line["funder_name"] else "")
                + f" : {euros(line['planned'])} prévus"
                + _spent(line)
                for line in action["budget"]
            ]
        ),
        "indicators": lines(
            [
                use["indicator"]["name"]
                + (f" (cible {number_fr(use['target_value'])})" if use["target_value"] else "")
                for use in action["indicators"]
            ]
        ),
    }


def make(
    kind: str, key: str, number: str, title: str, parent: str, values: dict[str, str]
) -> Element:
    labels = FIELD_LABELS[kind]
    return Element(
        kind=kind,
        key=key,
        number=number,
        title=title,
        parent=parent,
        fields=tuple((name, labels[name], values.get(name) or "") for name in labels),
    )


def flatten(snapshot: dict[str, Any]) -> list[Element]:
    """Every element of the snapshot in reading order: the strategy, the diagnostic's sections,
    then each axis followed by its objectives, their result indicators and their actions."""
    elements = [
        make(
            "strategy",
            "strategy",
            "",
            snapshot["title"],
            "",
            {
                "title": snapshot["title"],
                "starts_on": date_fr(snapshot["starts_on"]),
                "ends_on": date_fr(snapshot["ends_on"]),
                "evaluation_method": snapshot["evaluation_method"],
            },
        )
    ]
    diagnostic = snapshot.get("diagnostic") or {"sections": []}
    for section in diagnostic["sections"]:
        elements.append(make("section", section["key"], "", section["title"], "strategy", section))
    for axis_node in numbered_tree(snapshot["axes"]):
        axis = axis_node.element
        elements.append(
            make("axis", axis["key"], axis_node.number, axis["title"], "strategy", axis)
        )
        for objective_node in axis_node.children:
            objective = objective_node.element
            elements.append(
                make(
                    "objective",
                    objective["key"],
                    objective_node.number,
                    objective["statement"],
                    axis["key"],
                    objective,
                )
            )
            for use in objective["indicators"]:
                values = {
                    "baseline_value": number_fr(use["baseline_value"]),
                    "baseline_on": date_fr(use["baseline_on"]),
                    "target_value": number_fr(use["target_value"]),
                    "deadline": date_fr(use["deadline"]),
                    "direction": choice(Direction, use["direction"]),
                    # Absent from snapshots frozen before the perimeter existed.
                    "commune": use.get("commune") or "",
                }
                elements.append(
                    make(
                        "indicator",
                        use["key"],
                        "",
                        use["indicator"]["name"],
                        objective["key"],
                        values,
                    )
                )
            for action_node in objective_node.children:
                action = action_node.element
                elements.append(
                    make(
                        "action",
                        action["key"],
                        action_node.number,
                        action["title"],
                        objective["key"],
                        action_fields(action),
                    )
                )
    return elements


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """The elements that differ between two snapshots: in the new one's order, then those
    removed in the old one's order. Unchanged elements are left out."""
    before = {element.key: element for element in flatten(old)}
    after = flatten(new)
    after_keys = {element.key for element in after}
    changes = []
    for element in after:
        previous = before.get(element.key)
        if previous is None:
            changes.append(Change(ADDED, element))
            continue
        fields = [
            FieldChange(name, label, previous.value(name), text)
            for name, label, text in element.fields
            if previous.value(name) != text
        ]
        moved = previous.parent != element.parent
        if fields or moved or previous.number != element.number:
            changes.append(Change(CHANGED, element, previous.number, moved, fields))
    changes += [
        Change(REMOVED, element) for key, element in before.items() if key not in after_keys
    ]
    return changes


# Words, and punctuation on its own: "public" -> "public, et leurs familles" adds ", et leurs
# familles" rather than replacing "public" with "public,".
WORD = re.compile(r"\s+|[,.;:!?()«»]|[^\s,.;:!?()«»]+")


def word_diff_html(before: str, after: str) -> str:
    """The words removed in <del>, the words added in <ins>, everything HTML-escaped."""
    old, new = WORD.findall(before), WORD.findall(after)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    parts = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        removed = html.escape("".join(old[i1:i2]), quote=False)
        added = html.escape("".join(new[j1:j2]), quote=False)
        if op == "equal":
            parts.append(added)
            continue
        if removed:
            parts.append(f"<del>{removed}</del>")
        if added:
            parts.append(f"<ins>{added}</ins>")
    return "".join(parts)
