"""Context indicators of a strategy fed by the imported context data (issue 20, item 4): the
library's context entries bound to a source, their values on the indicator's territory as the
observatory's context block reads them (Rouen's Filosofi 2021 poverty rate and median income,
read here from the shipped file; a censored rate "≤ 5 %"; no made-up value for a council of
several communes), no status ever, shown beside the result indicators they explain, added by
the coordinator through the objective's add-indicator form, in a fixed number of queries."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from django.db import IntegrityError, connection, reset_queries, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from stspd.audit.models import Event
from stspd.conftest import make_commune
from stspd.context.tests.test_pages import filosofi, lines, load_context, plain
from stspd.indicators.enums import Direction, IndicatorKind
from stspd.indicators.library import sync_library
from stspd.indicators.models import IndicatorDefinition
from stspd.steering.context_series import NO_COMMUNE, NOT_ADDITIVE, context_series
from stspd.steering.dashboard import dashboard_data
from stspd.steering.mandate import start_new_mandate
from stspd.steering.reporting import CONTEXT_REFUSAL, reporting_problem
from stspd.strategy.enums import Status
from stspd.strategy.models import Objective, ObjectiveIndicator, Strategy
from stspd.strategy.readiness import readiness_gaps
from stspd.territories.models import Commune, Departement

TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def with_context(world):  # type: ignore[no-untyped-def]
    rouen = Commune.objects.get(code="76540")
    # A member of the council whose poverty rate INSEE shows at its 5 % floor.
    make_commune("76116", "Bois-Guillaume", rouen.departement, rouen.epci, 14000)
    load_context()
    return world


def entry(source: str) -> IndicatorDefinition:
    return IndicatorDefinition.objects.get(context_source=source)


def context_use(world: Any, source: str, commune: str | None = None, **fields: Any) -> Any:
    use = ObjectiveIndicator.objects.create(
        objective=world.objective,
        definition=entry(source),
        direction=Direction.DECREASE,
        commune=Commune.objects.get(code=commune) if commune else None,
        **fields,
    )
    return use


def result_use(world: Any) -> ObjectiveIndicator:
    return ObjectiveIndicator.objects.get(objective=world.objective)


def test_the_library_has_one_shared_context_entry_per_source(world) -> None:  # type: ignore[no-untyped-def]
    sources = dict(
        IndicatorDefinition.objects.exclude(context_source="").values_list("context_source", "kind")
    )
    assert set(sources) == {
        "poverty_rate",
        "median_income",
        "social_housing_rate",
        "school_ips_median",
        "unemployment_rate",
        "qpv_count",
    }
    assert set(sources.values()) == {IndicatorKind.CONTEXT}
    assert sync_library() == 0  # idempotent
    assert not entry("poverty_rate").is_reported
    with transaction.atomic(), pytest.raises(IntegrityError):
        # A council's own entry, or a result indicator, is never bound to a context source.
        IndicatorDefinition.objects.create(
            council=world.council,
            name="Pauvreté maison",
            kind=IndicatorKind.RESULT,
            unit="%",
            context_source="poverty_rate",
        )


def test_rouen_reads_its_filosofi_values_with_source_and_edition(with_context) -> None:  # type: ignore[no-untyped-def]
    rouen = filosofi("76540")
    assert (rouen["TP6021"], rouen["MED21"]) == ("23,0", "21330")  # the known answers
    poverty = context_use(with_context, "poverty_rate", "76540")
    income = context_use(with_context, "median_income", "76540")
    series = context_series([poverty, income], with_context.council)
    assert plain(series[poverty.pk].value_text) == "23 %"
    assert plain(series[income.pk].value_text) == "21 330 €"
    assert series[poverty.pk].territory == "Rouen"
    origin = series[income.pk].origin()
    assert "Insee, Filosofi" in origin and "édition 2021" in origin
    # 23 % is above the Seine-Maritime median of the published communes.
    assert series[poverty.pk].level_text == "au-dessus du repère de Seine-Maritime"


def test_a_censored_rate_reads_at_most_5_percent_never_5(with_context, login) -> None:  # type: ignore[no-untyped-def]
    assert filosofi("76116")["TP6021"] == "5,0"
    use = context_use(with_context, "poverty_rate", "76116")
    assert plain(context_series([use], with_context.council)[use.pk].value_text) == "≤ 5 %"
    html = plain(
        login(with_context.reader)
        .get(reverse("steering:dashboard", args=[with_context.strategy.pk]))
        .content.decode()
    )
    section = html[html.index(f'id="indicateur-{use.pk}"') :]
    section = section[: section.index("</section>")]
    assert '"stspd-state--censored">≤ 5 %</strong>' in section
    # Every standalone "5 %" of the section is the bound "≤ 5 %", never an exact value.
    standalone = list(re.finditer(r"(?<![\d,])5 %", section))
    assert standalone and all(section[m.start() - 2 : m.start()] == "≤ " for m in standalone)


def test_a_council_of_several_communes_gets_no_made_up_median(with_context) -> None:  # type: ignore[no-untyped-def]
    use = context_use(with_context, "median_income")
    one = context_series([use], with_context.council)[use.pk]
    assert one.value_text == NOT_ADDITIVE
    members = [c for c in ("76540", "76575", "76116") if filosofi(c)["MED21"] not in ("s", "")]
    assert "3 communes" in one.territory
    assert f"({len(members)} communes sur 3 avec une valeur)" in one.detail


def test_unemployment_of_the_zone_and_qpv_count(with_context) -> None:  # type: ignore[no-untyped-def]
    unemployment = context_use(with_context, "unemployment_rate", "76540")
    qpv = context_use(with_context, "qpv_count", "76540")
    series = context_series([unemployment, qpv], with_context.council)
    zone = next(r for r in lines("zones") if r["code_insee"] == "76540")["ze2020"]
    rates = next(r for r in lines("chomage") if r["ze2020"] == zone)
    assert f"Rouen : {rates['2025-T4'].replace('.', ',')} % (2025-T4)" in plain(
        series[unemployment.pk].value_text
    )
    quarters = [p.period for p in series[unemployment.pk].history]
    assert quarters[0] == "2021-T1" and quarters[-1] == "2025-T4" and len(quarters) == 20
    rouen_qpv = {r["code_qp"] for r in lines("qpv") if "76540" in r["insee_com"].split(";")}
    assert series[qpv.pk].value_text == f"{len(rouen_qpv)} quartiers"


def test_context_indicators_never_get_a_status_and_sit_beside_what_they_explain(
    with_context, login
) -> None:  # type: ignore[no-untyped-def]
    result = result_use(with_context)
    # Quantified as a result indicator would be: still no status.
    poverty = context_use(
        with_context,
        "poverty_rate",
        "76540",
        baseline_value=Decimal(23),
        baseline_on=datetime.date(2021, 12, 31),
        target_value=Decimal(20),
        deadline=datetime.date(2028, 12, 31),
    )
    poverty.explains.set([result])
    lonely = context_use(with_context, "social_housing_rate", "76540")
    data = dashboard_data(with_context.strategy.pk, today=TODAY)
    (objective,) = data.objectives
    rows = {row.use.pk: row for row in objective.indicators}
    for pk in (poverty.pk, lonely.pk):
        assert rows[pk].status is None
        assert "n'a pas de statut" in rows[pk].note
    assert sum(data.counts.values()) == 1  # the result indicator only
    assert [r.use.pk for r in objective.shown] == [result.pk, poverty.pk, lonely.pk]
    assert rows[result.pk].beside == [rows[poverty.pk]]
    assert rows[poverty.pk].explains == [rows[result.pk].name]
    assert str(poverty.pk) not in data.charts()
    # The status filter never keeps an objective for a context indicator.
    html = plain(
        login(with_context.reader)
        .get(reverse("steering:dashboard", args=[with_context.strategy.pk]))
        .content.decode()
    )
    assert f'Contexte : <a href="#indicateur-{poverty.pk}">' in html
    assert "Éclaire « " in html
    # The objective's evaluation page shows it beside the result indicator too.
    page = plain(
        login(with_context.reader)
        .get(reverse("evaluation:objective", args=[with_context.objective.pk]))
        .content.decode()
    )
    assert f'Contexte : <a href="#contexte-{poverty.pk}">' in page
    assert 'id="contextes"' in page and "23 %" in page


def test_context_values_are_not_reported(with_context) -> None:  # type: ignore[no-untyped-def]
    use = context_use(with_context, "poverty_rate", "76540")
    assert reporting_problem(use) == CONTEXT_REFUSAL


def test_the_coordinator_adds_a_context_indicator_from_the_library(with_context, login) -> None:  # type: ignore[no-untyped-def]
    world = with_context
    url = reverse("strategy:objective_indicator_add", args=[world.objective.pk])
    result = result_use(world)
    form = {
        "definition": entry("poverty_rate").pk,
        "direction": Direction.DECREASE,
        "commune": Commune.objects.get(code="76540").pk,
        "explains": [result.pk],
    }
    # Outsiders do not see the objective; a partner may not edit it.
    assert login(world.outsider).post(url, form).status_code == 404
    assert login(world.partner).post(url, form).status_code == 403
    client = login(world.coordinator)
    page = client.get(url).content.decode()
    assert "Taux de pauvreté (seuil à 60 %)" in page  # offered from the library
    response = client.post(url, form)
    assert response.status_code == 302
    use = ObjectiveIndicator.objects.get(
        objective=world.objective, definition=entry("poverty_rate")
    )
    assert list(use.explains.all()) == [result]
    event = Event.objects.get(
        verb="created", object_type="strategy.objectiveindicator", object_id=str(use.pk)
    )
    assert "explains" in event.changes and "definition" in event.changes
    # A result indicator explains nothing.
    bad = client.post(
        url,
        form
        | {
            "definition": IndicatorDefinition.objects.create(
                council=world.council, name="Plaintes", kind=IndicatorKind.RESULT, unit="nombre"
            ).pk,
        },
    )
    assert bad.status_code == 200
    assert "Seul un indicateur de contexte" in bad.content.decode(), bad.context["form"].errors
    detail = client.get(reverse("strategy:objective", args=[world.objective.pk])).content
    assert "Éclaire : « " in detail.decode()


def test_a_new_mandate_keeps_the_context_beside_its_result(with_context) -> None:  # type: ignore[no-untyped-def]
    result = result_use(with_context)
    poverty = context_use(with_context, "poverty_rate", "76540")
    poverty.explains.set([result])
    Strategy.objects.filter(pk=with_context.strategy.pk).update(status=Status.IN_FORCE)
    with_context.strategy.refresh_from_db()
    copy = start_new_mandate(
        with_context.strategy,
        title="Stratégie 2029-2031",
        starts_on=datetime.date(2029, 1, 1),
        ends_on=datetime.date(2031, 12, 31),
        by=with_context.coordinator,
    )
    objective = Objective.objects.get(axis__strategy=copy.strategy)
    copied = objective.indicators.get(definition=entry("poverty_rate"))
    assert [u.definition_id for u in copied.explains.all()] == [result.definition_id]


def test_dashboard_queries_do_not_grow_with_context_indicators(with_context) -> None:  # type: ignore[no-untyped-def]
    world = with_context
    result = result_use(world)
    first = context_use(world, "poverty_rate", "76540")
    first.explains.set([result])
    reset_queries()
    with CaptureQueriesContext(connection) as small:
        dashboard_data(world.strategy.pk, today=TODAY)
    for code in ("76575", "76116"):
        for source in ("median_income", "unemployment_rate", "qpv_count", "poverty_rate"):
            use = context_use(world, source, code)
            use.explains.set([result])
    context_use(world, "school_ips_median")
    context_use(world, "social_housing_rate")
    reset_queries()
    with CaptureQueriesContext(connection) as large:
        data = dashboard_data(world.strategy.pk, today=TODAY)
    assert len(data.indicators) == 12
    assert len(large) == len(small)


def test_a_context_indicator_needs_no_target_for_adoption(with_context) -> None:  # type: ignore[no-untyped-def]
    assert readiness_gaps(with_context.strategy) == []
    context_use(with_context, "poverty_rate", "76540")  # no baseline, target nor deadline
    assert readiness_gaps(with_context.strategy) == []
    # A result indicator without them is still a gap.
    ObjectiveIndicator.objects.create(
        objective=with_context.objective,
        definition=IndicatorDefinition.objects.create(
            council=with_context.council, name="Plaintes", kind=IndicatorKind.RESULT, unit="n"
        ),
        direction=Direction.DECREASE,
    )
    assert [gap.message for gap in readiness_gaps(with_context.strategy)] == [
        "L'indicateur « Plaintes » de l'objectif 1.1 n'a pas de valeur de référence, de cible "
        "ou d'échéance."
    ]


def test_the_pdf_shows_the_context_beside_its_result(with_context, login) -> None:  # type: ignore[no-untyped-def]
    result = result_use(with_context)
    context_use(with_context, "poverty_rate", "76116").explains.set([result])
    response = login(with_context.reader).get(
        reverse("steering:dashboard_pdf", args=[with_context.strategy.pk])
    )
    reader = PdfReader(io.BytesIO(response.content))
    text = plain(" ".join(" ".join(page.extract_text().split()) for page in reader.pages))
    assert "Contexte de « Destructions et dégradations volontaires » : ≤ 5 %" in text


def test_a_council_whose_territory_has_no_commune_shows_why_there_is_no_value(
    with_context, login
) -> None:  # type: ignore[no-untyped-def]
    # The EPCI lost its communes from the reference (a merger not yet imported, say).
    Commune.objects.filter(epci=with_context.council.epci).update(epci=None)
    use = context_use(with_context, "poverty_rate")
    qpv = context_use(with_context, "qpv_count")
    series = context_series([use, qpv], with_context.council)
    for one in (series[use.pk], series[qpv.pk]):
        assert one.value_text == NO_COMMUNE
        assert not one.has_value
        assert one.references == "" and one.history == []
    assert series[use.pk].territory == "territoire du conseil (aucune commune)"
    response = login(with_context.reader).get(
        reverse("steering:dashboard", args=[with_context.strategy.pk])
    )
    assert response.status_code == 200
    assert NO_COMMUNE in unescape(plain(response.content.decode()))
    national = login(with_context.national_agent).get(reverse("obligations:national"))
    assert national.status_code == 200
    prefecture = login(with_context.prefecture_agent)
    assert prefecture.get(reverse("obligations:departement", args=["76"])).status_code == 200


def test_a_perimeter_commune_of_a_council_without_communes_reads_its_value(with_context) -> None:  # type: ignore[no-untyped-def]
    Commune.objects.filter(epci=with_context.council.epci).update(epci=None)
    use = context_use(with_context, "poverty_rate", "76540")
    one = context_series([use], with_context.council)[use.pk]
    assert plain(one.value_text) == "23 %"
    assert one.level_text == "au-dessus du repère de Seine-Maritime"


def test_references_use_the_departement_of_most_inhabitants_or_the_perimeter_commune_s(
    with_context,
) -> None:  # type: ignore[no-untyped-def]
    rouen = Commune.objects.get(code="76540")
    eure = Departement.objects.create(
        code="27", name="Eure", region=rouen.departement.region, search_name="eure"
    )
    # First of the council's communes by name, in another département, few inhabitants.
    make_commune("27001", "Acquigny", eure, rouen.epci, 1500)
    council_wide = context_use(with_context, "poverty_rate")
    perimeter = context_use(with_context, "poverty_rate", "76540")
    series = context_series([council_wide, perimeter], with_context.council)
    # Seine-Maritime holds most of the inhabitants: the council's reference, as the observatory's.
    assert series[council_wide.pk].references.startswith("Seine-Maritime : ")
    # Rouen is compared with its own département, whichever commune comes first by name.
    assert series[perimeter.pk].references.startswith("Seine-Maritime : ")
    assert series[perimeter.pk].level_text == "au-dessus du repère de Seine-Maritime"
