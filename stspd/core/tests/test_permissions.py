"""Every URL of the project x the cast: the expected status of each, for GET and POST.

The list of URL names comes from the URL configuration itself: a new view without an
expectation here fails `test_every_url_has_an_expectation`.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from stspd.api.tests.expectations import ALL as API_EXPECTATIONS
from stspd.audit.models import Event
from stspd.councils.tests import meeting_helpers as meetings
from stspd.evaluation.tests.expectations import ALL as EVALUATION_EXPECTATIONS
from stspd.funding.tests.expectations import ALL as FUNDING_EXPECTATIONS
from stspd.jobs.tests.helpers import finished_job
from stspd.obligations.tests.expectations import ALL as OBLIGATIONS_EXPECTATIONS
from stspd.partnerdata.tests.helpers import make_source, staged
from stspd.public.tests.expectations import ALL as PUBLIC_EXPECTATIONS
from stspd.steering.tests.expectations import ALL as REPORTING_EXPECTATIONS
from stspd.strategy.tests.expectations import ALL as STRATEGY_EXPECTATIONS
from stspd.surveys.tests.expectations import ALL as SURVEY_EXPECTATIONS

CAST = [
    "anonymous",
    "outsider",
    "reader",
    "partner",
    "wg_unsigned",
    "wg_signed",
    "coordinator",
    "site_admin",
    # The State's agents (issue 18): no role in any council. Rows that do not name them treat
    # them as the outsider (a council's own pages do not know them); the obligations' rows do.
    "prefecture_agent",
    "national_agent",
]
STATE_AGENTS = ("prefecture_agent", "national_agent")
LOGIN = 302  # anonymous visitors are sent to the login page

# Expected GET status per cast member, by kind of access.
ANY_USER = dict.fromkeys(CAST, 200) | {"anonymous": LOGIN}
EVERYONE = dict.fromkeys(CAST, 200)
COUNCIL_READ = {
    "anonymous": LOGIN,
    "outsider": 404,
    "reader": 200,
    "partner": 200,
    "wg_unsigned": 200,
    "wg_signed": 200,
    "coordinator": 200,
    "site_admin": 200,
}
COUNCIL_EDIT = COUNCIL_READ | {"reader": 403, "partner": 403, "wg_unsigned": 403, "wg_signed": 403}
# Working-group content: signed members only; not even the site admin.
GROUP_READ = COUNCIL_READ | {"reader": 403, "partner": 403, "wg_unsigned": 403, "site_admin": 403}
GROUP_EDIT = GROUP_READ | {"wg_signed": 403}
CHARTER = COUNCIL_READ | {"reader": 403, "partner": 403, "site_admin": 403}
POST_ONLY = COUNCIL_EDIT | {"coordinator": 405, "site_admin": 405}
PENDING = dict.fromkeys(CAST, 404) | {"anonymous": LOGIN, "site_admin": 200}
SITE_ADMIN = dict.fromkeys(CAST, 403) | {"anonymous": LOGIN, "site_admin": 200}
# A background job's page: who started it (here the site admin) and the council's coordinator.
JOB = dict.fromkeys(CAST, 404) | {"anonymous": LOGIN, "coordinator": 200, "site_admin": 200}
# Logging out is a POST (a GET is refused: a link must not log anyone out).
LOGOUT = dict.fromkeys(CAST, 405)


def pending_council(world: Any) -> Any:
    """A council the outsider opened for Dieppe, not yet approved."""
    from stspd.councils.workflow import create_council

    return create_council(
        world.free_commune, name="CLSPD de Dieppe", president="Maire", by=world.outsider
    )


def pk(attr: str) -> Callable[[Any], dict[str, int]]:
    name, _, kwarg = attr.partition(":")
    return lambda world: {kwarg: getattr(world, name).pk}


# url name -> (kwargs from the world, expected GET statuses, query string)
EXPECTATIONS: dict[str, tuple[Callable[[Any], dict[str, Any]], dict[str, int], str]] = {
    "home": (lambda w: {}, ANY_USER, ""),
    # For the load balancer: no login, nothing about the data.
    "health": (lambda w: {}, EVERYONE, ""),
    # A person's own page, data and erasure request.
    "account": (lambda w: {}, ANY_USER, ""),
    "account_data": (lambda w: {}, ANY_USER, ""),
    "account_erasure": (lambda w: {}, ANY_USER, ""),
    # The pages every public website owes (legal notice, personal data, accessibility).
    "legal_notice": (lambda w: {}, EVERYONE, ""),
    "legal_personal_data": (lambda w: {}, EVERYONE, ""),
    "legal_accessibility": (lambda w: {}, EVERYONE, ""),
    # The register of processing activities: the site admin's, for the councils' DPOs.
    "legal_register_csv": (lambda w: {}, SITE_ADMIN, ""),
    "legal_register_xlsx": (lambda w: {}, SITE_ADMIN, ""),
    "login": (lambda w: {}, EVERYONE, ""),
    "logout": (lambda w: {}, LOGOUT, ""),
    # Lifting the lock on one's address: by a link sent to it, so open to anyone.
    "login_unlock_request": (lambda w: {}, EVERYONE, ""),
    "login_unlock_sent": (lambda w: {}, EVERYONE, ""),
    "login_unlock": (lambda w: {"token": "abc:def"}, EVERYONE, ""),
    "password_reset": (lambda w: {}, EVERYONE, ""),
    "password_reset_done": (lambda w: {}, EVERYONE, ""),
    "password_reset_confirm": (lambda w: {"uidb64": "MQ", "token": "abc-def"}, EVERYONE, ""),
    "password_reset_complete": (lambda w: {}, EVERYONE, ""),
    "territories:search": (lambda w: {}, ANY_USER, "?q=saint+etienne"),
    "territories:commune": (lambda w: {"code": "76575"}, ANY_USER, ""),
    "territories:epci": (lambda w: {"siren": "200023414"}, ANY_USER, ""),
    "territories:departement": (lambda w: {"code": "76"}, ANY_USER, ""),
    "councils:create": (lambda w: {}, ANY_USER, "?commune=76217"),
    # Recorded-crime figures are open data: any signed-in person reads a commune's or an EPCI's;
    # a council's observatory page follows the council's reading rule.
    "observatory:territory": (lambda w: {"kind": "epci", "key": "200023414"}, ANY_USER, ""),
    "observatory:indicator": (
        lambda w: {"kind": "conseil", "key": w.council.pk, "indicator_id": w.indicator.pk},
        COUNCIL_READ,
        "",
    ),
    "observatory:csv": (lambda w: {"kind": "commune", "key": "76575"}, ANY_USER, ""),
    "observatory:diagnostic": (pk("council:council_id"), COUNCIL_READ, ""),
    "observatory:diagnostic_pdf": (pk("council:council_id"), COUNCIL_READ, ""),
    "observatory:section_add": (pk("council:council_id"), COUNCIL_EDIT, ""),
    "observatory:section_edit": (pk("section:section_id"), COUNCIL_EDIT, ""),
    "observatory:section_delete": (pk("section:section_id"), COUNCIL_EDIT, ""),
    "councils:detail": (pk("council:council_id"), COUNCIL_READ, ""),
    "councils:decisions": (pk("council:council_id"), COUNCIL_READ, ""),
    "councils:edit": (pk("council:council_id"), COUNCIL_EDIT, ""),
    # A council waiting for approval: the site admin's only; its creator, too, gets a 404.
    "councils:approval": (lambda w: {"council_id": pending_council(w).pk}, PENDING, ""),
    "councils:events": (pk("council:council_id"), COUNCIL_EDIT, ""),
    "councils:events_csv": (pk("council:council_id"), COUNCIL_EDIT, ""),
    "councils:member_add": (pk("council:council_id"), COUNCIL_EDIT, ""),
    "councils:organisation_add": (pk("council:council_id"), COUNCIL_EDIT, ""),
    "councils:role_add": (pk("council:council_id"), COUNCIL_EDIT, ""),
    "councils:working_group_add": (pk("council:council_id"), COUNCIL_EDIT, ""),
    "councils:member_edit": (pk("member:member_id"), COUNCIL_EDIT, ""),
    "councils:member_delete": (pk("member:member_id"), COUNCIL_EDIT, ""),
    "councils:role_delete": (
        lambda w: {"role_id": w.council.roles.get(user=w.reader).pk},
        COUNCIL_EDIT,
        "",
    ),
    "councils:formation": (pk("plenary:formation_id"), COUNCIL_READ, ""),
    "councils:formation_edit": (pk("plenary:formation_id"), COUNCIL_EDIT, ""),
    # Plenary and restricted formations cannot be deleted: the coordinator gets 403 too.
    "councils:formation_delete": (
        pk("plenary:formation_id"),
        COUNCIL_EDIT | {"coordinator": 403, "site_admin": 403},
        "",
    ),
    "councils:meeting_add": (pk("plenary:formation_id"), COUNCIL_EDIT, ""),
    "councils:meeting": (pk("plenary_meeting:meeting_id"), COUNCIL_READ, ""),
    "councils:meeting_edit": (pk("plenary_meeting:meeting_id"), COUNCIL_EDIT, ""),
    "councils:meeting_delete": (pk("plenary_meeting:meeting_id"), COUNCIL_EDIT, ""),
    "councils:attendance": (pk("plenary_meeting:meeting_id"), COUNCIL_EDIT, ""),
    "councils:decision_add": (pk("plenary_meeting:meeting_id"), COUNCIL_EDIT, ""),
    "councils:member_attendance": (pk("plenary_meeting:meeting_id"), COUNCIL_EDIT, ""),
    "councils:minutes_approve": (pk("plenary_meeting:meeting_id"), COUNCIL_EDIT, ""),
    # Sending is a POST: a GET by the coordinator is 405, after the access check.
    "councils:convene": (pk("plenary_meeting:meeting_id"), POST_ONLY, ""),
    "councils:minutes_circulate": (pk("plenary_meeting:meeting_id"), POST_ONLY, ""),
    "councils:meeting_document_add": (pk("plenary_meeting:meeting_id"), COUNCIL_EDIT, ""),
    "councils:meeting_document": (
        lambda w: {"document_id": meetings.document(w.plenary_meeting).pk},
        COUNCIL_READ,
        "",
    ),
    "councils:meeting_document_delete": (
        lambda w: {"document_id": meetings.document(w.plenary_meeting).pk},
        COUNCIL_EDIT,
        "",
    ),
    "councils:representative_add": (pk("member:member_id"), COUNCIL_EDIT, ""),
    "councils:representative_edit": (
        lambda w: {"representative_id": meetings.representative(w).pk},
        COUNCIL_EDIT,
        "",
    ),
    "councils:representative_delete": (
        lambda w: {"representative_id": meetings.representative(w).pk},
        COUNCIL_EDIT,
        "",
    ),
    # A convened representative needs no account: the secret link is the right.
    "councils:convocation": (lambda w: {"token": meetings.recipient(w).token}, EVERYONE, ""),
    "councils:convocation_ics": (lambda w: {"token": meetings.recipient(w).token}, EVERYONE, ""),
    "councils:convocation_document": (
        lambda w: {
            "token": meetings.recipient(w).token,
            "document_id": meetings.document(w.plenary_meeting).pk,
        },
        EVERYONE,
        "",
    ),
    "councils:my_calendar": (lambda w: {}, ANY_USER, ""),
    "councils:calendar_feed": (lambda w: {"token": meetings.feed(w.reader).token}, EVERYONE, ""),
    "councils:decision_edit": (pk("plenary_decision:decision_id"), COUNCIL_EDIT, ""),
    "councils:decision_delete": (pk("plenary_decision:decision_id"), COUNCIL_EDIT, ""),
    "councils:charter": (pk("working_group:formation_id"), CHARTER, ""),
    "councils:formation_member_add": (pk("working_group:formation_id"), GROUP_EDIT, ""),
    "councils:formation_member_delete": (
        lambda w: {"seat_id": w.working_group.members.get(user=w.wg_unsigned).pk},
        GROUP_EDIT,
        "",
    ),
    # Partners' data: every council role reads the aggregated facts; the coordinator imports.
    "partnerdata:sources": (pk("council:council_id"), COUNCIL_READ, ""),
    "partnerdata:source_create": (pk("council:council_id"), COUNCIL_EDIT, ""),
    "partnerdata:indicator_edit": (
        lambda w: {
            "indicator_id": w.council.partner_indicators.get_or_create(label="Tapage")[0].pk
        },
        COUNCIL_EDIT,
        "",
    ),
    "partnerdata:map": (pk("council:council_id"), COUNCIL_READ, ""),
    "partnerdata:source": (lambda w: {"source_id": make_source(w).pk}, COUNCIL_READ, ""),
    "partnerdata:source_edit": (lambda w: {"source_id": make_source(w).pk}, COUNCIL_EDIT, ""),
    "partnerdata:upload_create": (lambda w: {"source_id": make_source(w).pk}, COUNCIL_EDIT, ""),
    "partnerdata:upload": (lambda w: {"upload_id": staged(w).pk}, COUNCIL_READ, ""),
    "partnerdata:upload_columns": (lambda w: {"upload_id": staged(w).pk}, COUNCIL_EDIT, ""),
    "partnerdata:upload_categories": (lambda w: {"upload_id": staged(w).pk}, COUNCIL_EDIT, ""),
    "partnerdata:upload_preview": (lambda w: {"upload_id": staged(w).pk}, COUNCIL_EDIT, ""),
    "partnerdata:upload_delete": (lambda w: {"upload_id": staged(w).pk}, COUNCIL_EDIT, ""),
    "jobs:detail": (lambda w: {"job_id": finished_job(w).pk}, JOB, ""),
}

# The strategy's rooms keep their rows beside their code (they use the matrix's access kinds).
EXPECTATIONS |= STRATEGY_EXPECTATIONS
EXPECTATIONS |= REPORTING_EXPECTATIONS
EXPECTATIONS |= EVALUATION_EXPECTATIONS
# Public funds as the State asks for them: the council reads, the coordinator or the lead writes.
EXPECTATIONS |= FUNDING_EXPECTATIONS
# The residents' surveys: the council reads and writes; the questionnaire's link is public.
EXPECTATIONS |= SURVEY_EXPECTATIONS
# The public portal: everyone, signed in or not, reads what the councils published.
EXPECTATIONS |= PUBLIC_EXPECTATIONS
EXPECTATIONS |= API_EXPECTATIONS
# The council's obligations and the State's views (préfecture, national secretariat).
EXPECTATIONS |= OBLIGATIONS_EXPECTATIONS

# The same views on working-group objects: a second row for each, with the group's rules.
GROUP_EXPECTATIONS: dict[str, tuple[Callable[[Any], dict[str, Any]], dict[str, int]]] = {
    "councils:formation": (pk("working_group:formation_id"), GROUP_READ),
    "councils:formation_edit": (pk("working_group:formation_id"), GROUP_EDIT),
    "councils:formation_delete": (pk("working_group:formation_id"), GROUP_EDIT),
    "councils:meeting_add": (pk("working_group:formation_id"), GROUP_EDIT),
    "councils:meeting": (pk("group_meeting:meeting_id"), GROUP_READ),
    "councils:meeting_edit": (pk("group_meeting:meeting_id"), GROUP_EDIT),
    "councils:meeting_delete": (pk("group_meeting:meeting_id"), GROUP_EDIT),
    "councils:attendance": (pk("group_meeting:meeting_id"), GROUP_EDIT),
    "councils:decision_add": (pk("group_meeting:meeting_id"), GROUP_EDIT),
    "councils:minutes_approve": (pk("group_meeting:meeting_id"), GROUP_EDIT),
    "councils:meeting_document_add": (pk("group_meeting:meeting_id"), GROUP_EDIT),
    "councils:meeting_document": (
        lambda w: {"document_id": meetings.document(w.group_meeting).pk},
        GROUP_READ,
    ),
    "councils:decision_edit": (pk("group_decision:decision_id"), GROUP_EDIT),
    "councils:decision_delete": (pk("group_decision:decision_id"), GROUP_EDIT),
}

# Django's own administration has its own permission system (is_staff), tested separately.
NOT_OURS = {"admin"}


def url_names(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    names = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in NOT_OURS:
                continue
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names |= url_names(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(prefix + entry.name)
    return names


def test_every_url_has_an_expectation() -> None:
    assert url_names() == set(EXPECTATIONS)


def cases() -> list[tuple[str, str, str]]:
    rows = [(name, "plenary", who) for name in EXPECTATIONS for who in CAST]
    rows += [(name, "group", who) for name in GROUP_EXPECTATIONS for who in CAST]
    return rows


@pytest.mark.parametrize(("name", "space", "who"), cases())
def test_status(world, client, settings, tmp_path, name: str, space: str, who: str) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path  # documents (meetings', published reviews, stored) are files
    if space == "plenary":
        kwargs, expected, query = EXPECTATIONS[name]
    else:
        kwargs, expected = GROUP_EXPECTATIONS[name]
        query = ""
    if who != "anonymous":
        client.force_login(getattr(world, who))
    url = reverse(name, kwargs=kwargs(world)) + query
    status = expected.get(who, expected["outsider"]) if who in STATE_AGENTS else expected[who]
    response = client.get(url)
    assert response.status_code == status, f"GET {url} as {who}"
    if status == LOGIN:
        assert response["Location"].startswith(reverse("login"))
    if status in (401, 403, 404, LOGIN):
        # Refused reads are refused writes too, and leave nothing behind. The API as well: an
        # outsider gets the 404 (a member lacking the right the 403) before a method the path
        # lacks (405) or a body that is not JSON (400) could tell that the object exists.
        events = Event.objects.count()
        assert client.post(url, {}).status_code == status, f"POST {url} as {who}"
        assert Event.objects.count() == events


def test_admin_is_for_the_site_admin_only(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.coordinator)
    assert client.get("/admin/").status_code == 302
    client.force_login(world.site_admin)
    assert client.get("/admin/").status_code == 200
