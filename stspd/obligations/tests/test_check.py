"""Each obligation of the cast's CISPD, met, missing, late or not applicable, with its reason."""

import datetime
import html
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from stspd.accounts.enums import OrganisationKind
from stspd.accounts.models import Organisation
from stspd.audit.models import Event
from stspd.councils.enums import FormationKind, MemberBasis
from stspd.councils.models import CouncilMember, Meeting
from stspd.obligations.check import Verdict, check, is_dormant, months_before
from stspd.obligations.models import Agreement, AgreementKind, MeetingItem, MeetingItemKind
from stspd.obligations.rules import obligations, parse

DAY = datetime.date(2026, 6, 1)


def findings(world, day=DAY):  # type: ignore[no-untyped-def]
    return {finding.rule.code: finding for finding in check(world.council, day)}


def add_member(world, kind: str, name: str) -> None:  # type: ignore[no-untyped-def]
    organisation = Organisation.objects.create(name=name, kind=kind)
    CouncilMember.objects.create(
        council=world.council,
        organisation=organisation,
        representative="Représentant",
        basis=MemberBasis.BY_RIGHT,
    )


def test_months_before_keeps_the_day_or_the_last_of_a_shorter_month() -> None:
    assert months_before(datetime.date(2026, 6, 1), 12) == datetime.date(2025, 6, 1)
    assert months_before(datetime.date(2024, 2, 29), 12) == datetime.date(2023, 2, 28)
    assert months_before(datetime.date(2026, 3, 31), 1) == datetime.date(2026, 2, 28)
    assert months_before(datetime.date(2026, 1, 15), 1) == datetime.date(2025, 12, 15)


def test_every_line_of_the_data_has_a_known_source_and_the_versions_follow_each_other() -> None:
    data = obligations()
    versions = sorted(data.council_required, key=lambda v: v.starts_on)
    for before, after in itertools.pairwise(versions):
        assert before.ends_on == after.starts_on - datetime.timedelta(days=1)
    assert versions[-1].ends_on is None
    with pytest.raises(ValueError, match="Source inconnue"):
        parse(
            {
                "sources": {},
                "council_required": [
                    {
                        "from": "2021-05-27",
                        "population_above": 5000,
                        "with_qpv": True,
                        "source": "x",
                    }
                ],
                "members_by_right": [],
                "rules": [],
            }
        )


def test_the_threshold_was_10000_before_the_2021_law_and_5000_after() -> None:
    data = obligations()
    assert data.council_required_on(datetime.date(2021, 5, 26)).population_above == 10000
    assert data.council_required_on(datetime.date(2021, 5, 27)).population_above == 5000


def test_the_departement_president_left_the_members_by_right_in_march_2024() -> None:
    data = obligations()
    before = {
        m.organisation_kind for m in data.members_by_right_on(datetime.date(2024, 3, 22), "clspd")
    }
    after = {
        m.organisation_kind for m in data.members_by_right_on(datetime.date(2024, 3, 23), "clspd")
    }
    assert before == {"prefecture", "parquet", "departement"}
    assert after == {"prefecture", "parquet"}
    cispd = {
        m.organisation_kind for m in data.members_by_right_on(datetime.date(2026, 1, 1), "cispd")
    }
    assert cispd == {"prefecture", "parquet", "epci"}


def test_plenary_met_within_twelve_months_late_after_missing_without(world) -> None:  # type: ignore[no-untyped-def]
    assert findings(world)["plenary"].verdict is Verdict.MET
    assert "12/03/2026" in findings(world)["plenary"].reason
    late = findings(world, datetime.date(2027, 6, 1))["plenary"]
    assert late.verdict is Verdict.LATE
    assert "plus de 12 mois" in late.reason
    Meeting.objects.filter(formation__kind=FormationKind.PLENARY).delete()
    assert findings(world)["plenary"].verdict is Verdict.MISSING
    # A meeting yet to come does not count.
    assert findings(world, datetime.date(2026, 3, 11))["plenary"].verdict is Verdict.MISSING


def test_the_delinquency_briefing_counts_when_recorded_as_an_item_of_a_council_meeting(
    world,
) -> None:  # type: ignore[no-untyped-def]
    assert findings(world)["briefing"].verdict is Verdict.MISSING
    # On a working group's meeting it is not the council's briefing.
    MeetingItem.objects.create(meeting=world.group_meeting, kind=MeetingItemKind.BRIEFING)
    assert findings(world)["briefing"].verdict is Verdict.MISSING
    MeetingItem.objects.create(
        meeting=world.plenary_meeting,
        kind=MeetingItemKind.BRIEFING,
        note="Présentation annuelle de l'observatoire",
    )
    assert findings(world)["briefing"].verdict is Verdict.MET
    assert findings(world, datetime.date(2027, 4, 1))["briefing"].verdict is Verdict.LATE


def test_a_coordinator_is_required_above_15000_inhabitants(world) -> None:  # type: ignore[no-untyped-def]
    assert findings(world)["coordinator"].verdict is Verdict.MET  # EPCI of 150,000
    world.council.coordinator = None
    world.council.save()
    missing = findings(world)["coordinator"]
    assert missing.verdict is Verdict.MISSING
    assert "le préfet désigne" in missing.reason
    epci = world.council.epci
    epci.population = 12000
    epci.save()
    assert findings(world)["coordinator"].verdict is Verdict.NOT_APPLICABLE


def test_members_by_right_absent_are_named_with_the_rule_of_the_day(world) -> None:  # type: ignore[no-untyped-def]
    finding = findings(world)["members_by_right"]
    assert finding.verdict is Verdict.MISSING
    assert "procureur" in finding.reason and "coopération intercommunale" in finding.reason
    assert "conseil départemental" not in finding.reason
    assert (
        "conseil départemental"
        in findings(world, datetime.date(2024, 1, 1))["members_by_right"].reason
    )
    add_member(world, OrganisationKind.PARQUET, "Parquet de Rouen")
    add_member(world, OrganisationKind.EPCI, "Métropole Rouen Normandie")
    assert findings(world)["members_by_right"].verdict is Verdict.MET


def test_rules_of_procedure_voted_in_a_plenary(world) -> None:  # type: ignore[no-untyped-def]
    assert findings(world)["rules_of_procedure"].verdict is Verdict.MISSING
    MeetingItem.objects.create(
        meeting=world.plenary_meeting, kind=MeetingItemKind.RULES_OF_PROCEDURE
    )
    met = findings(world)["rules_of_procedure"]
    assert met.verdict is Verdict.MET and "12/03/2026" in met.reason


def test_an_unsigned_charter_is_counted_never_named(world) -> None:  # type: ignore[no-untyped-def]
    finding = findings(world)["charter"]
    assert finding.verdict is Verdict.MISSING
    assert finding.reason == "1 sur 3 sièges de groupes de travail sans charte signée."
    assert world.wg_unsigned.last_name not in finding.reason
    assert world.working_group.name not in finding.reason
    world.working_group.members.update(charter_signed_on=DAY)
    assert findings(world)["charter"].verdict is Verdict.MET


def test_a_cddf_is_expected_in_each_commune_above_50000(world) -> None:  # type: ignore[no-untyped-def]
    finding = findings(world)["cddf"]
    assert finding.verdict is Verdict.MISSING and "Rouen" in finding.reason
    Agreement.objects.create(
        council=world.council,
        kind=AgreementKind.CDDF,
        title="Délibération CDDF de Rouen",
        parties="Ville de Rouen",
        signed_on=datetime.date(2015, 3, 1),
    )
    assert findings(world)["cddf"].verdict is Verdict.MET
    # Le Havre's CLSPD: one commune above 50,000, no CDDF recorded.
    other = {f.rule.code: f for f in check(world.other_council, DAY)}
    assert other["cddf"].verdict is Verdict.MISSING


def test_coordination_agreement_missing_expired_or_not_evaluated(world) -> None:  # type: ignore[no-untyped-def]
    assert findings(world)["coordination_agreement"].verdict is Verdict.NOT_APPLICABLE
    add_member(world, OrganisationKind.POLICE_MUNICIPALE, "Police municipale de Rouen")
    assert findings(world)["coordination_agreement"].verdict is Verdict.MISSING
    agreement = Agreement.objects.create(
        council=world.council,
        kind=AgreementKind.COORDINATION,
        title="Convention de coordination",
        parties="Maire\nPréfet",
        signed_on=datetime.date(2021, 1, 1),
        ends_on=datetime.date(2026, 1, 1),
    )
    late = findings(world)["coordination_agreement"]
    assert late.verdict is Verdict.LATE and "expirée le 01/01/2026" in late.reason
    agreement.ends_on = datetime.date(2027, 1, 1)
    agreement.evaluation_due_on = datetime.date(2026, 3, 1)
    agreement.save()
    late = findings(world)["coordination_agreement"]
    assert late.verdict is Verdict.LATE and "Évaluation due le 01/03/2026" in late.reason
    agreement.last_evaluated_on = datetime.date(2026, 3, 15)
    agreement.save()
    assert findings(world)["coordination_agreement"].verdict is Verdict.MET


def test_dormant_without_a_council_meeting_in_twelve_months(world) -> None:  # type: ignore[no-untyped-def]
    assert not is_dormant(world.council, DAY)
    assert is_dormant(world.council, datetime.date(2027, 4, 1))
    # A working group's meeting does not wake the council.
    world.group_meeting.starts_at = timezone.make_aware(datetime.datetime(2027, 3, 1, 10))
    world.group_meeting.save()
    assert is_dormant(world.council, datetime.date(2027, 4, 1))


def test_the_page_shows_each_rule_with_its_state_reason_and_source(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.coordinator)
    page = client.get(reverse("obligations:council", args=[world.council.pk])).content.decode()
    for finding in check(world.council):
        assert html.escape(finding.rule.label) in page
        assert html.escape(finding.reason) in page
    assert "Manquante" in page and "Respectée" in page
    assert "loi n° 2024-247 du 21 mars 2024" in page
    assert "Enregistrer un point de séance" in page
    assert "SECRET" not in page
    # Rouen and Saint-Étienne-du-Rouvray, both above 5,000 inhabitants.
    assert "Ce conseil couvre 2 communes soumises à cette obligation." in page


def test_the_prefecture_agent_reads_the_page_without_edit_links(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.prefecture_agent)
    page = client.get(reverse("obligations:council", args=[world.council.pk])).content.decode()
    assert "Obligations du conseil" in page
    assert "Enregistrer un point de séance" not in page


def test_recording_an_item_writes_an_event_and_refuses_bad_input_in_french(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.coordinator)
    url = reverse("obligations:item_add", args=[world.council.pk])
    events = Event.objects.count()
    # A working group's meeting is not offered.
    response = client.post(url, {"meeting": world.group_meeting.pk, "kind": "briefing"})
    assert response.status_code == 200
    assert "Choisissez une séance plénière ou restreinte" in response.content.decode()
    restricted = world.council.formations.get(kind=FormationKind.RESTRICTED)
    meeting = Meeting.objects.create(
        formation=restricted,
        starts_at=timezone.make_aware(datetime.datetime(2026, 2, 1, 10)),
        place="Rouen",
    )
    response = client.post(url, {"meeting": meeting.pk, "kind": "rules"})
    assert "Le règlement intérieur se vote en séance plénière." in response.content.decode()
    assert MeetingItem.objects.count() == 0 and Event.objects.count() == events
    response = client.post(url, {"meeting": meeting.pk, "kind": "briefing", "note": "Observatoire"})
    assert response.status_code == 302
    item = MeetingItem.objects.get()
    assert Event.objects.filter(verb="created", object_id=item.pk).exists()
