"""Action-plan imports with a preview and an undo (docs/decisions.md, issue 14).

The coordinator's workbook is checked, then tried in a transaction that is rolled back: the
preview is the element-by-element comparison (diff.py) of the draft before and after that dry
run, so what it shows is exactly what applying will do. Applying needs an explicit confirmation
when fiches action are deleted, runs in one transaction, writes one event, and keeps the
draft's content from before (its axes as in the JSON export, and the ids of its actions and
activity indicators). The last import applied can be undone while the strategy is editable and
unchanged since: the kept content is restored, rows deleted by the import come back with their
ids (the same pages, the same order), and the undo is refused unless the restored draft's
export is identical to the one kept.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from stspd.accounts.models import Organisation, User
from stspd.indicators.library import library_for
from stspd.indicators.models import IndicatorDefinition
from stspd.territories.models import Commune
from stspd.territories.search import search_key

from .diff import REMOVED, Change, compare
from .documents.spreadsheet import (
    Plan,
    PlannedAction,
    PlanRejected,
    Report,
    Row,
    apply_checked,
    check_plan,
    read_workbook,
    record_import,
)
from .enums import EDITABLE_STATUSES
from .models import Action, ActionIndicator, Objective, PlanImport, Strategy
from .snapshot import snapshot


class ImportRefused(Exception):
    """The import cannot be applied or undone now; the message says why, in French."""


class ConfirmationNeeded(ImportRefused):
    """Fiches action would be deleted and the coordinator has not confirmed it."""


def tree_basis(data: dict[str, Any]) -> str:
    """The hash of a snapshot's content that an import changes (its axes and all below)."""
    text = json.dumps(data["axes"], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Preview:
    changes: list[Change]
    report: Report
    # The hash of the draft the preview was made on: applying checks it is still the same.
    basis: str

    @property
    def deletions(self) -> list[Change]:
        return [c for c in self.changes if c.status == REMOVED]

    @property
    def summary(self) -> str:
        return report_text(self.report)


def _count(n: int, one: str, many: str) -> str:
    """French agreement: singular for 0 and 1."""
    return f"{n} {one if n <= 1 else many}"


def report_text(report: Report) -> str:
    """ "2 fiches action ajoutées, 1 modifiée, 0 supprimée, 3 inchangées" """
    return ", ".join(
        [
            _count(len(report.created), "fiche action ajoutée", "fiches action ajoutées"),
            _count(len(report.updated), "modifiée", "modifiées"),
            _count(len(report.deleted), "supprimée", "supprimées"),
            _count(report.unchanged, "inchangée", "inchangées"),
        ]
    )


class _DryRun(Exception):
    """Raised inside the dry run's transaction to roll it back."""


def _checked_plan(strategy: Strategy, content: bytes) -> Plan:
    plan = check_plan(strategy, read_workbook(content))
    if plan.errors:
        raise PlanRejected(plan.errors)
    return plan


def preview(strategy: Strategy, content: bytes) -> Preview:
    """What importing `content` would change, computed by applying it and rolling back.
    Raises SpreadsheetRefused or PlanRejected as the import would."""
    plan = _checked_plan(strategy, content)
    before = after = snapshot(strategy.pk)
    report = Report()
    try:
        with transaction.atomic():
            report = apply_checked(strategy, plan)
            after = snapshot(strategy.pk)
            raise _DryRun
    except _DryRun:
        pass
    return Preview(compare(before, after), report, tree_basis(before))


def _locked_editable(plan_import: PlanImport) -> Strategy:
    strategy = Strategy.objects.select_for_update().get(pk=plan_import.strategy_id)
    if strategy.status not in EDITABLE_STATUSES:
        raise ImportRefused(
            f"La stratégie est « {strategy.get_status_display()} » : son contenu ne se modifie "
            "plus, ni par un import ni par son annulation."
        )
    return strategy


def _ids(strategy: Strategy) -> dict[str, dict[str, int]]:
    return {
        "actions": dict(
            Action.objects.filter(objective__axis__strategy=strategy).values_list("key", "pk")
        ),
        "uses": dict(
            ActionIndicator.objects.filter(action__objective__axis__strategy=strategy).values_list(
                "key", "pk"
            )
        ),
    }


@transaction.atomic
def apply_import(
    plan_import: PlanImport, *, basis: str, confirmed: bool, by: User
) -> tuple[Report, int]:
    """Apply a previewed import; returns its report and the number of changed elements."""
    strategy = _locked_editable(plan_import)
    plan_import = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    if plan_import.applied_at is not None:
        raise ImportRefused("Cet import a déjà été appliqué.")
    plan = _checked_plan(strategy, bytes(plan_import.content))
    before = snapshot(strategy.pk)
    if tree_basis(before) != basis:
        raise ImportRefused(
            "La stratégie a été modifiée depuis l'affichage de l'aperçu : vérifiez l'aperçu "
            "mis à jour ci-dessous avant d'appliquer l'import."
        )
    if plan.deleted and not confirmed:
        raise ConfirmationNeeded(
            f"Cet import supprime {len(plan.deleted)} fiche(s) action : cochez la case de "
            "confirmation pour l'appliquer."
        )
    ids = _ids(strategy)
    report = apply_checked(strategy, plan)
    after = snapshot(strategy.pk)
    record_import(strategy, before, after, by=by, filename=plan_import.filename)
    plan_import.before = {"axes": before["axes"], "ids": ids}
    plan_import.after_basis = tree_basis(after)
    plan_import.applied_at = timezone.now()
    plan_import.applied_by = by
    plan_import.save(update_fields=["before", "after_basis", "applied_at", "applied_by"])
    return report, len(compare(before, after))


def undo_problem(plan_import: PlanImport) -> str:
    """Why this import cannot be undone now ("" when it can)."""
    strategy = plan_import.strategy
    if plan_import.applied_at is None:
        return "Cet import n'a pas été appliqué : il n'y a rien à annuler."
    if plan_import.reverted_at is not None:
        return "Cet import a déjà été annulé."
    if strategy.status not in EDITABLE_STATUSES:
        return (
            f"La stratégie est « {strategy.get_status_display()} » : un import ne s'annule que "
            "tant que le projet est modifiable."
        )
    latest = (
        strategy.plan_imports.filter(applied_at__isnull=False)
        .order_by("-applied_at", "-pk")
        .first()
    )
    if latest is not None and latest.pk != plan_import.pk:
        return "Un import plus récent a été appliqué : seul le dernier import peut être annulé."
    if tree_basis(snapshot(strategy.pk)) != plan_import.after_basis:
        return (
            "La stratégie a été modifiée depuis cet import : l'annuler effacerait aussi ces "
            "modifications. Rétablissez-les à la main ou importez le classeur voulu."
        )
    if _valued_since(strategy, plan_import.before or {"axes": []}):
        return (
            "Des valeurs ont été renseignées depuis l'import sur un indicateur d'activité qu'il "
            "a ajouté : l'annuler les effacerait. Retirez l'indicateur à la main si besoin."
        )
    return ""


def _valued_since(strategy: Strategy, kept: dict[str, Any]) -> bool:
    """Whether an activity indicator the undo would remove (added by the import) has values
    (a strategy in revision is followed while it is edited)."""
    kept_uses = {
        use["key"]
        for axis in kept["axes"]
        for objective in axis["objectives"]
        for action in objective["actions"]
        for use in action["indicators"]
    }
    return (
        ActionIndicator.objects.filter(
            action__objective__axis__strategy=strategy, measurements__isnull=False
        )
        .exclude(key__in=kept_uses)
        .exists()
    )


def kept_content(plan_import: PlanImport, current: dict[str, Any]) -> dict[str, Any]:
    """The snapshot the undo restores: the current one with the axes kept before the import."""
    assert plan_import.before is not None
    return current | {"axes": plan_import.before["axes"]}


@transaction.atomic
def revert_import(plan_import: PlanImport, *, by: User) -> None:
    """Restore the draft as it stood before the import (see the module's text)."""
    strategy = _locked_editable(plan_import)
    plan_import = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    if problem := undo_problem(plan_import):
        raise ImportRefused(problem)
    current = snapshot(strategy.pk)
    wanted = kept_content(plan_import, current)
    apply_checked(strategy, _restoring_plan(strategy, plan_import.before or {}))
    restored = snapshot(strategy.pk)
    if restored != wanted:
        # Rolled back with the transaction: nothing is half restored.
        raise ImportRefused(
            "Le projet ne peut pas être rétabli à l'identique (une organisation, un indicateur "
            "ou une commune a disparu depuis l'import) : rien n'est modifié."
        )
    record_import(
        strategy, current, restored, by=by, filename=plan_import.filename, verb="reverted"
    )
    plan_import.reverted_at = timezone.now()
    plan_import.reverted_by = by
    plan_import.save(update_fields=["reverted_at", "reverted_by"])


def _date(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _decimal(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


def _restoring_plan(strategy: Strategy, kept: dict[str, Any]) -> Plan:
    """The plan that gives back the kept actions exactly (keys, ids, lines, order)."""
    ids = kept["ids"]
    objectives = {o.key: o for o in Objective.objects.filter(axis__strategy=strategy)}
    actions = {
        a.key: a
        for a in Action.objects.filter(objective__axis__strategy=strategy).select_related(
            "objective", "lead"
        )
    }
    library = list(library_for(strategy.council))
    organisations: dict[str, Organisation | None] = {}

    def organisation(data: dict[str, str] | None) -> Organisation | None:
        if data is None:
            return None
        key = search_key(data["name"])
        if key not in organisations:
            organisations[key] = Organisation.objects.filter(name_key=key).first()
        found = organisations[key]
        if found is None:
            raise ImportRefused(
                f"L'organisation « {data['name']} » n'existe plus : l'import ne peut pas être "
                "annulé à l'identique."
            )
        return found

    def definition(data: dict[str, Any]) -> IndicatorDefinition:
        for candidate in library:
            observatory = candidate.observatory_indicator
            if (
                candidate.name == data["name"]
                and (candidate.council_id is None) == data["shared"]
                and (observatory.label if observatory else None) == data["observatory_label"]
            ):
                return candidate
        raise ImportRefused(
            f"L'indicateur « {data['name']} » n'est plus dans la bibliothèque du conseil : "
            "l'import ne peut pas être annulé à l'identique."
        )

    codes = {
        code
        for axis in kept["axes"]
        for objective in axis["objectives"]
        for action in objective["actions"]
        for code in action["communes"]
    }
    communes = {c.code: c for c in Commune.objects.filter(code__in=codes)}
    planned: list[PlannedAction] = []
    for axis in kept["axes"]:
        for objective_data in axis["objectives"]:
            objective = objectives.get(objective_data["key"])
            if objective is None:
                raise ImportRefused(
                    f"L'objectif « {objective_data['statement']} » n'existe plus : l'import ne "
                    "peut pas être annulé à l'identique."
                )
            for data in objective_data["actions"]:
                key = data["key"]
                item = PlannedAction(
                    Row("", 0, {}), key, actions.get(key), objective, pk=ids["actions"].get(key)
                )
                item.fields = {
                    "title": data["title"],
                    "problem": data["problem"],
                    "description": data["description"],
                    "public": data["public"],
                    "neighbourhoods": data["neighbourhoods"],
                    "lead": organisation(data["lead"]),
                    "starts_on": _date(data["starts_on"]),
                    "ends_on": _date(data["ends_on"]),
                    "status": data["status"],
                }
                item.communes = [communes[code] for code in data["communes"] if code in communes]
                item.partners = [
                    (organisation(p["organisation"]), p["role"])  # type: ignore[misc]  # organisation() returns None only for None data; a partner always names one
                    for p in data["partners"]
                ]
                item.milestones = [
                    (m["title"], _date(m["due_on"]), _date(m["done_on"]))  # type: ignore[misc]  # a milestone always has its due date
                    for m in data["milestones"]
                ]
                item.budget = [
                    {
                        "funder": b["funder"],
                        "funder_name": b["funder_name"],
                        "year": b["year"],
                        "planned": _decimal(b["planned"]),
                        "committed": _decimal(b["committed"]),
                        "spent": _decimal(b["spent"]),
                    }
                    for b in data["budget"]
                ]
                item.indicators = [
                    (use["key"], definition(use["indicator"]), _decimal(use["target_value"]))
                    for use in data["indicators"]
                ]
                item.use_ids = ids["uses"]
                planned.append(item)
    kept_keys = {item.key for item in planned}
    deleted = [action for key, action in actions.items() if key not in kept_keys]
    return Plan(planned, deleted, [])
