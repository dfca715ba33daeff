"""Each obligation of a council on a day: met, missing, late or not applicable, with the reason.

Pure reads of the councils' records: meetings held, meeting items recorded (`MeetingItem`), the
members' organisations, the working groups' charter signatures (counted, never named: the
préfecture reads this page), the register of agreements. The rules and their dates are data
(`rules.py`).
"""

import datetime
import enum
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from crimestats import french
from stspd.councils.enums import FormationKind
from stspd.councils.models import Council, CouncilMember, FormationMember, Meeting
from stspd.territories.models import Commune

from .models import Agreement, AgreementKind, MeetingItem, MeetingItemKind
from .rules import Rule, obligations


class Verdict(enum.Enum):
    MET = "met", "Respectée", "success"
    MISSING = "missing", "Manquante", "error"
    LATE = "late", "En retard", "warning"
    NOT_APPLICABLE = "na", "Sans objet", "info"

    def __init__(self, code: str, label: str, badge: str) -> None:
        self.code = code
        self.label = label
        self.badge = badge  # the DSFR badge's colour


@dataclass(frozen=True)
class Finding:
    rule: Rule
    verdict: Verdict
    reason: str

    @property
    def source(self) -> str:
        return obligations().source(self.rule.source)


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` months earlier (the last day of a shorter month)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _date(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


def held_meetings(council: Council, day: datetime.date) -> QuerySet[Meeting]:
    """Plenary and restricted meetings of the council held on or before the day."""
    return (
        Meeting.objects.filter(formation__council=council, starts_at__date__lte=day)
        .exclude(formation__kind=FormationKind.WORKING_GROUP)
        .order_by("-starts_at")
    )


def territory_population(council: Council) -> int | None:
    territory = council.territory
    return territory.population


def council_communes_above(council: Council, threshold: int) -> list[Commune]:
    return list(council.communes().filter(population__gt=threshold).order_by("-population"))


def _recency(rule: Rule, last: datetime.date | None, day: datetime.date, what: str) -> Finding:
    months = rule.months or 12
    if last is None:
        return Finding(rule, Verdict.MISSING, f"Aucune {what} enregistrée.")
    if last < months_before(day, months):
        return Finding(
            rule,
            Verdict.LATE,
            f"Dernière {what} le {french.date(last)} : plus de {months} mois.",
        )
    return Finding(rule, Verdict.MET, f"Dernière {what} le {french.date(last)}.")


def _plenary(council: Council, rule: Rule, day: datetime.date) -> Finding:
    last = held_meetings(council, day).filter(formation__kind=FormationKind.PLENARY).first()
    return _recency(rule, _date(last.starts_at) if last else None, day, "séance plénière")


def _briefing(council: Council, rule: Rule, day: datetime.date) -> Finding:
    item = (
        MeetingItem.objects.filter(
            kind=MeetingItemKind.BRIEFING, meeting__in=held_meetings(council, day)
        )
        .select_related("meeting")
        .order_by("-meeting__starts_at")
        .first()
    )
    last = _date(item.meeting.starts_at) if item else None
    return _recency(rule, last, day, "présentation de l'état de la délinquance")


def _coordinator(council: Council, rule: Rule, day: datetime.date) -> Finding:
    threshold = rule.population_above or 0
    population = territory_population(council)
    if population is None or population <= threshold:
        return Finding(
            rule,
            Verdict.NOT_APPLICABLE,
            f"Population de {french.number(population or 0)} habitants, "
            f"pas plus de {french.number(threshold)}.",
        )
    if council.coordinator is None:
        return Finding(
            rule,
            Verdict.MISSING,
            f"{french.number(population)} habitants et aucune coordination nommée : "
            "à défaut, le préfet désigne un agent coordinateur.",
        )
    return Finding(rule, Verdict.MET, f"Coordination : {council.coordinator}.")


def _members_by_right(council: Council, rule: Rule, day: datetime.date) -> Finding:
    expected = obligations().members_by_right_on(day, council.kind)
    kinds = set(
        CouncilMember.objects.filter(council=council).values_list("organisation__kind", flat=True)
    )
    absent = [member.label for member in expected if member.organisation_kind not in kinds]
    if absent:
        return Finding(rule, Verdict.MISSING, "Absent du conseil : " + " ; ".join(absent) + ".")
    return Finding(
        rule, Verdict.MET, "Présents : " + " ; ".join(member.label for member in expected) + "."
    )


def _rules_of_procedure(council: Council, rule: Rule, day: datetime.date) -> Finding:
    item = (
        MeetingItem.objects.filter(
            kind=MeetingItemKind.RULES_OF_PROCEDURE,
            meeting__in=held_meetings(council, day).filter(formation__kind=FormationKind.PLENARY),
        )
        .select_related("meeting")
        .order_by("-meeting__starts_at")
        .first()
    )
    if item is None:
        return Finding(rule, Verdict.MISSING, "Aucun vote du règlement intérieur enregistré.")
    return Finding(
        rule,
        Verdict.MET,
        f"Voté en séance plénière le {french.date(_date(item.meeting.starts_at))}.",
    )


def _charter(council: Council, rule: Rule, day: datetime.date) -> Finding:
    seats = FormationMember.objects.filter(
        formation__council=council, formation__kind=FormationKind.WORKING_GROUP
    )
    if not seats.exists():
        return Finding(rule, Verdict.NOT_APPLICABLE, "Aucun membre de groupe de travail.")
    unsigned = seats.filter(charter_signed_on__isnull=True).count()
    if unsigned:
        return Finding(
            rule,
            Verdict.MISSING,
            f"{french.number(unsigned)} sur {french.number(seats.count())} sièges de groupes "
            "de travail sans charte signée.",
        )
    return Finding(rule, Verdict.MET, f"{french.number(seats.count())} sièges, chartes signées.")


def _cddf(council: Council, rule: Rule, day: datetime.date) -> Finding:
    threshold = rule.population_above or 0
    communes = council_communes_above(council, threshold)
    if not communes:
        return Finding(
            rule,
            Verdict.NOT_APPLICABLE,
            f"Aucune commune de plus de {french.number(threshold)} habitants.",
        )
    acts = Agreement.objects.filter(council=council, kind=AgreementKind.CDDF, signed_on__lte=day)
    names = ", ".join(commune.name for commune in communes)
    if acts.count() < len(communes):
        return Finding(
            rule,
            Verdict.MISSING,
            f"Attendu à {names} ; {_acts(acts.count())}.",
        )
    return Finding(rule, Verdict.MET, f"Délibération enregistrée pour {names}.")


def _acts(count: int) -> str:
    if count == 0:
        return "aucune délibération enregistrée"
    plural = "s" if count > 1 else ""
    return f"{french.number(count)} délibération{plural} enregistrée{plural}"


def _coordination_agreement(council: Council, rule: Rule, day: datetime.date) -> Finding:
    agreement = (
        Agreement.objects.filter(
            council=council, kind=AgreementKind.COORDINATION, signed_on__lte=day
        )
        .order_by("-signed_on")
        .first()
    )
    has_municipal_police = CouncilMember.objects.filter(
        council=council, organisation__kind="police_municipale"
    ).exists()
    if agreement is None:
        if not has_municipal_police:
            return Finding(
                rule, Verdict.NOT_APPLICABLE, "Aucune police municipale membre du conseil."
            )
        return Finding(
            rule,
            Verdict.MISSING,
            "Une police municipale siège au conseil, aucune convention de coordination "
            "enregistrée.",
        )
    if agreement.ends_on is not None and agreement.ends_on < day:
        return Finding(
            rule, Verdict.LATE, f"Convention expirée le {french.date(agreement.ends_on)}."
        )
    due = agreement.evaluation_due_on
    if (
        due is not None
        and due < day
        and (agreement.last_evaluated_on is None or agreement.last_evaluated_on < due)
    ):
        return Finding(
            rule,
            Verdict.LATE,
            f"Évaluation due le {french.date(due)}, non enregistrée.",
        )
    return Finding(
        rule, Verdict.MET, f"Convention signée le {french.date(agreement.signed_on)}, à jour."
    )


CHECKS = {
    "plenary": _plenary,
    "briefing": _briefing,
    "coordinator": _coordinator,
    "members_by_right": _members_by_right,
    "rules_of_procedure": _rules_of_procedure,
    "charter": _charter,
    "cddf": _cddf,
    "coordination_agreement": _coordination_agreement,
}


def check(council: Council, day: datetime.date | None = None) -> list[Finding]:
    """Every obligation in force on the day (today by default), in the data file's order."""
    day = day or timezone.localdate()
    return [CHECKS[rule.code](council, rule, day) for rule in obligations().rules_on(day)]


def is_dormant(council: Council, day: datetime.date) -> bool:
    """No plenary nor restricted meeting held in the 12 months before the day."""
    recent = held_meetings(council, day).filter(starts_at__date__gte=months_before(day, 12))
    return not recent.exists()
