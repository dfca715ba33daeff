"""The snapshot data dressed for reading: numbers, French labels, dates, totals, figures.

`prepare` never queries the strategy's tables: it reads the snapshot (working copy or frozen
version) and only looks up the names of communes and, for the diagnostic, today's observatory
figures of the indicators its sections embed (figures are embedded by reference, never frozen).
"""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from crimestats import french
from stspd.councils.models import Council
from stspd.indicators.enums import Direction
from stspd.observatory.caveats import caveats_for
from stspd.observatory.figures import Figures
from stspd.observatory.models import Indicator
from stspd.observatory.presentation import chart_data, year_rows
from stspd.territories.models import Commune

from ..enums import ActionStatus, Funder, PartnerRole, Status
from ..models import Deliberation, Signature, Strategy, StrategyVersion, Transition
from ..numbering import numbered_tree


def label(choices: Any, value: str | None) -> str:
    if not value:
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def parse_date(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def euros(value: Decimal | str | None) -> str:
    """An amount of the snapshot; a missing one is nothing spent (0 €)."""
    return french.euros(value or 0)


def number_text(value: str | None) -> str:
    return french.number(Decimal(value), None) if value else ""


@dataclass
class Source:
    """Which content a document shows: the working copy or frozen version `number`."""

    strategy: Strategy
    data: dict[str, Any]
    version: StrategyVersion | None = None
    deliberations: list[Deliberation] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)
    # The council's adoption of this version (with its meeting), when it was adopted.
    adoption: Transition | None = None

    @property
    def version_label(self) -> str:
        if self.version is None:
            return f"version de travail (future version {self.data['version_number']})"
        return f"version {self.version.number} figée le {self.version.frozen_at:%d/%m/%Y}"

    @property
    def suffix(self) -> str:
        number = self.version.number if self.version else "travail"
        return f"{self.strategy.pk}-v{number}"


def prepare(source: Source, figures: Figures | None = None) -> dict[str, Any]:
    """A deep copy of the snapshot with everything a template or a Word writer needs."""
    data = copy.deepcopy(source.data)
    data["status_label"], data["state_text"] = version_state(source)
    data["starts"] = parse_date(data["starts_on"])
    data["ends"] = parse_date(data["ends_on"])
    data["version_label"] = source.version_label
    codes = {code for action in iter_actions(data) for code in action["communes"]}
    names = dict(Commune.objects.filter(code__in=codes).values_list("code", "name"))
    actions = []
    for axis_node in numbered_tree(data["axes"]):
        axis = axis_node.element
        axis["number"] = axis_node.number
        axis["anchor"] = f"axe-{axis_node.number}"
        for objective_node in axis_node.children:
            objective = objective_node.element
            objective["number"] = objective_node.number
            for indicator in objective["indicators"]:
                indicator["direction_label"] = label(Direction, indicator["direction"])
                indicator["baseline_text"] = number_text(indicator["baseline_value"])
                indicator["target_text"] = number_text(indicator["target_value"])
                indicator["baseline"] = parse_date(indicator["baseline_on"])
                indicator["due"] = parse_date(indicator["deadline"])
            for action_node in objective_node.children:
                action = action_node.element
                _prepare_action(action, action_node.number, axis, objective, names)
                actions.append(action)
    data["actions"] = actions
    data["budget_total"] = euros(sum((a["budget_planned"] for a in actions), Decimal(0)))
    data["sections"] = _sections(data.get("diagnostic"), figures)
    data["deliberations"] = source.deliberations
    data["signatures"] = source.signatures
    data["signatory_blanks"] = _blanks(source)
    return data


def version_state(source: Source) -> tuple[str, str]:
    """The version's real state, from what was recorded on it: a short label and the full
    sentence (adopted on, deliberation no., signed by whom and when). The snapshot's own state
    is the one at its freezing: an adoption freezes the version while it is still "débat
    d'orientation tenu"."""
    adoption = source.adoption
    if source.version is None or adoption is None:
        text = label(Status, source.data["status"])
        return text, text
    parts = ["Adoptée par le conseil"]
    if adoption.meeting is not None:
        parts[0] += f" le {timezone.localdate(adoption.meeting.starts_at):%d/%m/%Y}"
    short = "Adoptée par le conseil"
    for deliberation in source.deliberations:
        short = "Délibérée"
        parts.append(
            f"approuvée par la délibération n° {deliberation.number} du "
            f"{deliberation.held_on:%d/%m/%Y} ({deliberation.assembly})"
        )
    if source.signatures:
        short = "Signée"
        names = ", ".join(
            f"{s.organisation.name} ({s.signatory}) le {s.signed_on:%d/%m/%Y}"
            for s in source.signatures
        )
        parts.append(f"signée par {names}")
    return short, " ; ".join(parts) + "."


def iter_actions(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        action
        for axis in data["axes"]
        for objective in axis["objectives"]
        for action in objective["actions"]
    ]


def _prepare_action(
    action: dict[str, Any],
    number: str,
    axis: dict[str, Any],
    objective: dict[str, Any],
    names: dict[str, str],
) -> None:
    action["number"] = number
    action["axis_number"] = axis["number"]
    action["lead_name"] = action["lead"]["name"] if action["lead"] else ""
    action["anchor"] = f"action-{number.replace('.', '-')}"
    action["axis_title"] = axis["title"]
    action["objective_statement"] = objective["statement"]
    action["status_label"] = label(ActionStatus, action["status"])
    action["starts"] = parse_date(action["starts_on"])
    action["ends"] = parse_date(action["ends_on"])
    action["commune_names"] = [f"{names.get(c, '?')} ({c})" for c in action["communes"]]
    action["places"] = [p.strip() for p in action["neighbourhoods"].splitlines() if p.strip()]
    for partner in action["partners"]:
        partner["role_label"] = label(PartnerRole, partner["role"])
    for milestone in action["milestones"]:
        milestone["due"] = parse_date(milestone["due_on"])
        milestone["done"] = parse_date(milestone["done_on"])
    planned = Decimal(0)
    years: dict[int, Decimal] = {}
    for line in action["budget"]:
        line["funder_label"] = label(Funder, line["funder"])
        line["planned_text"] = euros(line["planned"])
        line["committed_text"] = euros(line["committed"])
        line["spent_text"] = euros(line["spent"])
        planned += Decimal(line["planned"])
        years[line["year"]] = years.get(line["year"], Decimal(0)) + Decimal(line["planned"])
    action["budget_planned"] = planned
    action["budget_total"] = euros(planned)
    action["budget_years"] = [(year, euros(years[year])) for year in sorted(years)]
    for use in action["indicators"]:
        use["target_text"] = number_text(use["target_value"])


@dataclass
class Section:
    """A diagnostic section with today's figures of the indicator it embeds."""

    title: str
    text: str
    indicator: Indicator | None
    indicator_label: str | None
    rows: list[dict[str, Any]] = field(default_factory=list)
    chart: dict[str, Any] | None = None
    caveats: list[str] = field(default_factory=list)
    svg: str = ""
    chart_id: str = ""


def _sections(diagnostic: dict[str, Any] | None, figures: Figures | None) -> list[Section]:
    if not diagnostic:
        return []
    labels = {s["indicator"] for s in diagnostic["sections"] if s["indicator"]}
    indicators = {i.label: i for i in Indicator.objects.filter(label__in=labels)}
    sections = []
    for number, item in enumerate(diagnostic["sections"], 1):
        indicator = indicators.get(item["indicator"]) if item["indicator"] else None
        section = Section(
            item["title"], item["text"], indicator, item["indicator"], chart_id=f"chart-{number}"
        )
        if indicator is not None and figures is not None:
            section.rows = year_rows(figures.indicator_series(indicator.label))
            if section.rows:
                section.chart = chart_data(indicator, section.rows)
                section.caveats = caveats_for(
                    indicator.label, indicator.unit, indicator.denominator_kind, indicator.retired
                )
        sections.append(section)
    return sections


def _blanks(source: Source) -> list[str]:
    """Who signs, when nobody has signed yet: the council's members, or generic lines."""
    if source.signatures:
        return []
    council: Council = source.strategy.council
    names = list(council.members.values_list("organisation__name", flat=True))
    return names or [
        f"Pour {council.territory}",
        "Pour l'État (préfecture)",
        "Pour le parquet",
        "Pour les forces de sécurité intérieure",
    ]


def load_source(strategy: Strategy, number: int | None) -> Source:
    """The working copy (number None) or frozen version `number` with what was recorded on it:
    the council's deliberation and the partners' signatures of that version."""
    from ..snapshot import snapshot

    if number is None:
        return Source(strategy, snapshot(strategy.pk))
    version = strategy.versions.get(number=number)
    return Source(
        strategy,
        version.snapshot,
        version,
        list(strategy.deliberations.filter(version_number=number)),
        list(strategy.signatures.filter(version_number=number).select_related("organisation")),
        strategy.transitions.filter(target=Status.ADOPTED, version_number=number)
        .select_related("meeting__formation")
        .order_by("-at", "-pk")
        .first(),
    )
