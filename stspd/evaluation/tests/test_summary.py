"""The reports' plain-language summary and the elected official's page.

Each sentence is tested for each case of the fields it is written from: a sentence never claims
more than the data allow ("non concluant" is never "no effect", a lower bound is "au moins").
Then known answers on constructed data: the annual review of 2025 leaves out a value dated
2026 and the money of 2026, the final report has them; the summary's amounts are the
database's sums to the cent; the summary is page 1 and the methods come after it.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from crimestats.french import euros
from crimestats.status import IndicatorStatus
from stspd.conftest import World
from stspd.evaluation.funds import Totals
from stspd.evaluation.judgements import Change, Counterfactual
from stspd.evaluation.models import Appraisal, PublishedReport
from stspd.evaluation.reports import build_report, report_docx, report_pdf
from stspd.evaluation.summary import (
    Activity,
    GrantTotals,
    Since,
    action_status_sentence,
    change_phrase,
    comparison_phrase,
    grants_sentence,
    implementation_sentence,
    milestones_sentence,
    money_sentence,
    since_sentences,
    status_counts_sentence,
    status_phrase,
    values_sentence,
)
from stspd.funding.models import Programme
from stspd.funding.tests.helpers import make_application, make_call
from stspd.funding.workflow import record_grant
from stspd.steering.dashboard import (
    DEADLINE_BEFORE_BASELINE_NOTE,
    NO_TARGET_NOTE,
    IndicatorRow,
    Point,
)
from stspd.steering.models import Measurement
from stspd.strategy.enums import Funder
from stspd.strategy.models import BudgetLine, Strategy

from .conftest import Panel

D = Decimal
NO_EFFECT = ("aucun effet", "pas d'effet", "n'a eu aucun")


def flat(text: str) -> str:
    """Whitespace as a PDF's extracted text has it (no-break spaces are spaces)."""
    return " ".join(text.split())


def pages(content: bytes) -> list[str]:
    return [flat(page.extract_text() or "") for page in PdfReader(io.BytesIO(content)).pages]


# --------------------------------------------------------------------------------------------
# Sentences, case by case
# --------------------------------------------------------------------------------------------


def computed(significant: bool | None) -> Change:
    return Change(
        before_label="2023",
        after_label="2025",
        before="12,00 (1 200 faits)",
        after="10,00 (1 000 faits)",
        sentence="de 2023 à 2025 : ...",
        significant=significant,
        computed=True,
    )


def test_a_significant_change_is_said_beyond_chance() -> None:
    text = change_phrase(computed(True))
    assert text.startswith("de 12,00 (1 200 faits) (2023) à 10,00 (1 000 faits) (2025)")
    assert "trop net pour être dû au seul hasard" in text


def test_a_change_not_significant_is_inconclusive_never_no_change() -> None:
    text = change_phrase(computed(False))
    assert "non concluant" in text and "ne prouve pas que rien n'a changé" in text
    assert "stable" not in text and "aucun" not in text


def test_an_untested_change_says_it_is_not_tested() -> None:
    assert "écart non testé" in change_phrase(computed(None))


def test_a_change_that_cannot_be_computed_gives_its_reason() -> None:
    change = Change(sentence="évolution non calculable : valeur soumise au secret statistique")
    assert change_phrase(change) == change.sentence


def cf(
    *,
    did: str = "",
    did_p: float | None = None,
    ratio: float | None = None,
    sc: str = "",
    sc_p: float | None = None,
    gap: float = 0.0,
    reason: str = "",
) -> Counterfactual:
    return Counterfactual(
        commune="Rouen",
        start_year=2021,
        reason=reason,
        years=[2019, 2020, 2021, 2022],
        n_pre=2,
        did_sentence=did,
        did_p_value=did_p,
        did_ratio=ratio,
        sc_sentence=sc,
        p_value=sc_p,
        gap=[0.0, 0.0, gap, gap],
    )


SIGNIFICANT = "écart relatif \u221230 % (p = 0,01) : la baisse est significative et plus marquée"
INDISTINCT = "écart relatif \u22123 % (p = 0,40) : la baisse n'est pas distinguable"
INCONCLUSIVE = "écart relatif \u221230 % (p = 0,01) : non concluant (tendances non parallèles)"


@pytest.mark.parametrize(
    ("case", "direction", "expected"),
    [
        (cf(reason="trop peu d'années"), "decrease", "pas encore possible"),
        (
            cf(did=INCONCLUSIVE, did_p=0.01, ratio=0.7, sc=INCONCLUSIVE, sc_p=0.01, gap=-1),
            "decrease",
            "non concluante : les conditions des méthodes ne sont pas réunies, ce qui ne veut pas "
            "dire que l'action est sans effet",
        ),
        (
            cf(did=SIGNIFICANT, did_p=0.01, ratio=0.7, sc=SIGNIFICANT, sc_p=0.02, gap=-1),
            "decrease",
            "évolution nettement plus favorable que dans des communes comparables (les deux "
            "méthodes concordent)",
        ),
        (
            cf(did=SIGNIFICANT, did_p=0.01, ratio=0.7, sc=SIGNIFICANT, sc_p=0.02, gap=-1),
            "increase",
            "évolution nettement moins favorable",
        ),
        (
            cf(did=SIGNIFICANT, did_p=0.01, ratio=0.7, sc=INCONCLUSIVE, sc_p=0.01, gap=-1),
            "decrease",
            "selon une seule méthode, l'autre n'étant pas concluante (à confirmer)",
        ),
        (
            cf(did=SIGNIFICANT, did_p=0.01, ratio=0.7),
            "decrease",
            "plus favorable que dans des communes comparables selon la seule méthode applicable",
        ),
        (
            cf(did=INDISTINCT, did_p=0.4, ratio=0.97, sc=INDISTINCT, sc_p=0.5, gap=-0.1),
            "decrease",
            "ne se distingue pas de celle de communes comparables (les deux méthodes concordent) :"
            " un effet propre n'est pas démontré, ce qui n'est pas la preuve d'une absence d'effet",
        ),
        (
            cf(did=SIGNIFICANT, did_p=0.01, ratio=0.7, sc=INDISTINCT, sc_p=0.5, gap=-0.1),
            "decrease",
            "ne concordent pas : l'effet n'est pas établi",
        ),
        (
            cf(did=SIGNIFICANT, did_p=0.01, ratio=0.7, sc=SIGNIFICANT, sc_p=0.01, gap=2),
            "decrease",
            "ne concordent pas : l'effet n'est pas établi",
        ),
    ],
)
def test_the_comparison_says_what_the_methods_allow_and_no_more(
    case: Counterfactual, direction: str, expected: str
) -> None:
    text = comparison_phrase(case, direction)
    assert expected in text
    assert not any(claim in text for claim in NO_EFFECT)


def test_no_comparison_no_sentence() -> None:
    assert comparison_phrase(None, "decrease") == ""


def row(points: list[Point], status: IndicatorStatus | None, note: str = "") -> IndicatorRow:
    return IndicatorRow(
        use=None,  # type: ignore[arg-type]  # the phrases read points and status only
        name="Vols",
        unit="taux pour 1 000",
        kind="result",
        periodicity="year",
        from_observatory=True,
        points=points,
        status=status,
        note=note,
    )


def point(state: str, value: float | None) -> Point:
    day = datetime.date(2025, 1, 1)
    return Point(day, day, "2025", state, value, "observatory")


def test_a_lower_bound_is_never_presented_as_exact() -> None:
    status = IndicatorStatus("not_enough_data", "données insuffisantes", "…")
    text = status_phrase(row([point("lower_bound", 12.5)], status))
    assert "dernière valeur au moins 12,5 (2025)" in text
    exact = status_phrase(row([point("published", 12.5)], status))
    assert "dernière valeur 12,5 (2025)" in exact and "au moins" not in exact


def test_a_suppressed_value_is_not_a_figure() -> None:
    text = status_phrase(row([point("suppressed", None)], None))
    assert text.startswith("sans statut ; dernière valeur ")
    assert "0" not in text.split("dernière valeur ")[1].split("(")[0]


def test_status_counts() -> None:
    on = IndicatorStatus("on_track", "en bonne voie", "")
    late = IndicatorStatus("off_track", "en retard", "")
    rows = [row([], on), row([], on), row([], late), row([], None, NO_TARGET_NOTE)]
    assert status_counts_sentence(rows) == (
        "Sur 4 indicateurs de résultat : 1 en retard, 2 en bonne voie et 1 sans statut faute de "
        "cible chiffrée."
    )
    assert status_counts_sentence([]) == "Aucun indicateur de résultat n'est suivi."


def test_status_counts_say_each_reason_for_no_status() -> None:
    """A deadline before the baseline date is not a missing target: each reason is counted
    apart, and a row without status for another reason is only "sans statut"."""
    on = IndicatorStatus("on_track", "en bonne voie", "")
    rows = [
        row([], on),
        row([], None, NO_TARGET_NOTE),
        row([], None, DEADLINE_BEFORE_BASELINE_NOTE),
        row([], None, DEADLINE_BEFORE_BASELINE_NOTE),
    ]
    assert status_counts_sentence(rows) == (
        "Sur 4 indicateurs de résultat : 1 en bonne voie, 1 sans statut faute de cible chiffrée "
        "et 2 sans statut (échéance antérieure à la date de référence)."
    )
    assert status_counts_sentence([row([], on), row([], None)]) == (
        "Sur 2 indicateurs de résultat : 1 en bonne voie et 1 sans statut."
    )


def test_money_sentences_to_the_cent() -> None:
    totals = Totals(D("10000.50"), D("8000.25"), D("4321.09"))
    text = money_sentence(totals, "en 2025")
    assert flat(text) == (
        "Budget des fiches action en 2025, tous financeurs : 10 000,50 € prévus, 8 000,25 € "
        "engagés, 4 321,09 € dépensés (soit 43,2 % du prévu)."
    )
    assert money_sentence(Totals(), "en 2025") == (
        "Aucun montant n'est inscrit au budget des fiches action en 2025."
    )
    unplanned = money_sentence(Totals(spent=D("5")), "en 2025")
    assert "soit" not in unplanned  # nothing planned: no rate
    assert "Aucune subvention du FIPD" in grants_sentence(GrantTotals(), "au titre de 2025")
    assert flat(grants_sentence(GrantTotals(2, D("9000"), D("4500.5")), "au titre de 2025")) == (
        "Subventions du FIPD accordées au titre de 2025 : 9 000 € pour 2 demandes, dont "
        "4 500,50 € versés."
    )


def test_activity_sentences() -> None:
    assert values_sentence(Activity(), "de 2025") == (
        "Aucune valeur d'indicateur de 2025 n'a été renseignée par les partenaires."
    )
    assert values_sentence(Activity(values_validated=1), "de 2025").startswith(
        "1 valeur d'indicateurs de 2025 renseignée par"
    )
    activity = Activity(actions=3)
    activity.implementation.update({"as_planned": 1, "partly": 1})
    assert implementation_sentence(activity, "en 2025") == (
        "Sur 3 fiches action, appréciées en 2025 : 1 mise en œuvre comme prévu et 1 mise en "
        "œuvre en partie ; 1 sans appréciation."
    )


def test_milestones_and_action_states() -> None:
    assert milestones_sentence(Activity(), "en 2025") == (
        "Aucun jalon de fiche action n'était prévu en 2025."
    )
    assert milestones_sentence(Activity(milestones_due=24, milestones_done=21), "en 2025") == (
        "Jalons des fiches action prévus en 2025 : 21 réalisés sur 24."
    )
    activity = Activity(actions=3)
    activity.action_status.update({"in_progress": 2, "done": 1})
    assert action_status_sentence(activity) == (
        "État des fiches action aujourd'hui : 2 en cours et 1 réalisée."
    )


def test_a_value_awaiting_validation_says_so() -> None:
    pending = point("published", 325)
    pending.source = "submitted"
    text = status_phrase(row([pending], None))
    assert text == "sans statut ; dernière valeur 325 (2025, transmise, pas encore validée)"


def test_a_survey_share_keeps_its_range_in_plain_words() -> None:
    day = datetime.date(2026, 10, 8)
    wave = Point(
        day, day, "Enquête 2026 (collecte close le 08/10/2026)", "published", 16.7, "survey"
    )
    wave.low, wave.high = 14.4, 19.3
    text = status_phrase(row([wave], None))
    assert text == (
        "sans statut ; dernière valeur 16,7 % (enquête close le 08/10/2026 ; entre 14,4 et 19,3 %)"
    )


def test_since_sentences() -> None:
    assert "Aucun bilan annuel n'a été publié" in since_sentences(None)[0]
    since = Since(
        2025, datetime.date(2026, 3, 2), [("Vols", "en retard", "en bonne voie")], 2, D("12.3")
    )
    first, second = since_sentences(since)
    assert first == (
        "Depuis le bilan 2025 (publié le 02/03/2026), 1 indicateur a changé de statut : Vols "
        "(en retard → en bonne voie)."
    )
    assert flat(second) == (
        "Depuis ce bilan : 2 nouvelles valeurs validées, 12,30 € dépensés sur les années "
        "postérieures à 2025."
    )


# --------------------------------------------------------------------------------------------
# Known answers on constructed data
# --------------------------------------------------------------------------------------------


@pytest.fixture
def from_2025(world: World) -> World:
    """The cast's strategy from 2025: money and values in 2025 and in 2026."""
    Strategy.objects.filter(pk=world.strategy.pk).update(starts_on=datetime.date(2025, 1, 1))
    world.strategy.refresh_from_db()
    BudgetLine.objects.filter(action=world.action).update(
        committed=D("9000"), spent=D("7777.77")
    )  # 2026: 15,000 planned
    BudgetLine.objects.create(
        action=world.action,
        funder=Funder.FIPD,
        year=2025,
        planned=D("10000.50"),
        committed=D("8000.25"),
        spent=D("4321.09"),
    )
    use = world.action.indicators.get()
    for day, value in ((datetime.date(2025, 6, 1), 12), (datetime.date(2026, 3, 1), 48)):
        Measurement.objects.create(
            action_indicator=use,
            period_start=day,
            value=D(value),
            status="validated",
            submitted_at=timezone.now(),
        )
    programme = Programme.objects.get(letter="D")
    for year, amount in ((2025, "9000"), (2026, "6000.40")):
        application = make_application(world, call=make_call(year))
        record_grant(
            application,
            programme=programme,
            amount=D(amount),
            decided_on=datetime.date(year, 5, 20),
            by=world.coordinator,
        )
    world.objective.unquantified_reason = "Les faits sont sous-déclarés."
    world.objective.save()
    return world


def database_totals(world: World, year: int | None) -> Totals:
    lines = BudgetLine.objects.filter(action__objective__axis__strategy=world.strategy)
    if year is not None:
        lines = lines.filter(year=year)
    sums = lines.aggregate(p=Sum("planned"), c=Sum("committed"), s=Sum("spent"))
    return Totals(sums["p"], sums["c"], sums["s"])


def test_the_2025_review_counts_2025_only_and_the_final_report_the_whole_period(
    from_2025: World,
) -> None:
    world = from_2025
    annual = build_report(world.strategy, 2025)
    final = build_report(world.strategy)
    # The summary's figures are the database's sums, to the cent.
    assert annual.summary.money == database_totals(world, 2025)
    assert annual.summary.money.spent == D("4321.09")
    assert final.summary.money == database_totals(world, None)
    assert final.summary.money.spent == D("12098.86")
    assert annual.summary.grants == GrantTotals(1, D("9000"), D(0))
    assert final.summary.grants == GrantTotals(2, D("15000.40"), D(0))
    assert annual.activity.values_validated == 1  # the value dated 2026 is not 2025's
    assert final.activity.values_validated == 2

    annual_text = " ".join(pages(report_pdf(annual)))
    final_text = " ".join(pages(report_pdf(final)))
    assert flat(euros(D("4321.09"))) in annual_text
    assert flat(euros(D("7777.77"))) not in annual_text  # 2026's spending
    assert flat(euros(D("6000.40"))) not in annual_text  # 2026's grant
    assert flat(euros(D("7777.77"))) in final_text and flat(euros(D("12098.86"))) in final_text
    assert flat(euros(D("15000.40"))) in final_text
    assert "1 valeur d'indicateurs de 2025" in annual_text
    assert "2 valeurs d'indicateurs de la période" in final_text
    # The unquantified objective's justification is in both.
    assert "Les faits sont sous-déclarés." in annual_text
    assert "Les faits sont sous-déclarés." in final_text
    # The final report is not the annual one: it says what changed since the last review.
    assert "Aucun bilan annuel n'a été publié" in final_text
    assert "Par année" in final_text and "Par année" not in annual_text


def test_the_word_files_count_the_same(from_2025: World) -> None:
    annual = docx_paragraphs(report_docx(build_report(from_2025.strategy, 2025)))
    final = docx_paragraphs(report_docx(build_report(from_2025.strategy)))
    annual_text, final_text = flat("\n".join(annual)), flat("\n".join(final))
    assert flat(euros(D("4321.09"))) in annual_text
    assert flat(euros(D("7777.77"))) not in annual_text
    assert flat(euros(D("12098.86"))) in final_text
    assert (
        "Les faits sont sous-déclarés." in annual_text
        and "Les faits sont sous-déclarés." in final_text
    )


def test_the_final_report_says_what_changed_since_the_last_published_review(
    from_2025: World,
) -> None:
    world = from_2025
    PublishedReport.objects.create(
        strategy=world.strategy,
        year=2025,
        pdf=ContentFile(b"%PDF-1.7", name="bilan.pdf"),
        published_at=timezone.make_aware(datetime.datetime(2026, 2, 10, 10, 0)),
    )
    summary = build_report(world.strategy).summary
    assert summary.since[0].startswith("Depuis le bilan 2025 (publié le 10/02/2026)")
    # Validated since the end of 2025: the value dated 2026; spent in 2026: 7,777.77.
    assert flat(summary.since[1]) == (
        "Depuis ce bilan : 1 nouvelle valeur validée, 7 777,77 € dépensés sur les années "
        "postérieures à 2025."
    )


# --------------------------------------------------------------------------------------------
# Page 1 is the summary, the methods come after
# --------------------------------------------------------------------------------------------

METHOD_WORDS = ("Poisson", "différence de différences", "contrôle synthétique", "placebo")


def test_page_one_is_the_summary_and_the_methods_are_in_the_annex(
    world: World, panel: Panel
) -> None:
    Appraisal.objects.create(
        action=world.action,
        year=2026,
        implementation="partly",
        recommendation="adjust",
        reasons="Renforcer la présence le samedi.",
    )
    for report in (build_report(world.strategy, 2026), build_report(world.strategy)):
        text = pages(report_pdf(report))
        first = text[0]
        assert report.summary.heading in first
        for section in ("Ce qui était prévu", "Ce qui a été fait", "Ce qui a changé"):
            assert section in first
        assert "Ce que cela a coûté" in first  # the whole summary fits on page 1
        assert not any(word.lower() in first.lower() for word in METHOD_WORDS)
        annex = next(i for i, page in enumerate(text) if "Annexe — Méthodes et intervalles" in page)
        assert annex > 0
        assert "Poisson" in " ".join(text[annex:])
        assert "Poisson" not in " ".join(text[:annex])
        # The comparison with similar communes, in words in the summary, figures in the annex.
        assert "communes comparables" in first


def docx_paragraphs(content: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(content)).paragraphs]


def docx_first_page(content: bytes) -> tuple[list[str], list[str]]:
    """The paragraphs before the first page break, and the rest."""
    document = Document(io.BytesIO(content))
    texts = []
    for index, paragraph in enumerate(document.paragraphs):
        if 'w:type="page"' in paragraph._p.xml:
            rest = [p.text for p in document.paragraphs[index:]]
            return texts, rest
        texts.append(paragraph.text)
    return texts, []


def test_the_word_file_opens_with_the_summary_and_ends_with_the_methods(
    world: World, panel: Panel
) -> None:
    report = build_report(world.strategy, 2026)
    first, rest = docx_first_page(report_docx(report))
    assert first[:2] == ["CISPD de la Métropole", report.title]
    assert report.summary.heading in first and "Ce que cela a coûté" in first
    assert not any(word.lower() in " ".join(first).lower() for word in METHOD_WORDS)
    annex = rest.index("Annexe — Méthodes et intervalles")
    assert "Poisson" in " ".join(rest[annex:]) and "Poisson" not in " ".join(rest[:annex])


# --------------------------------------------------------------------------------------------
# The elected official's page
# --------------------------------------------------------------------------------------------


def test_every_role_of_the_council_reads_the_live_summary(login, from_2025: World) -> None:  # type: ignore[no-untyped-def]
    world = from_2025
    url = reverse("evaluation:summary", args=[world.strategy.pk])
    page = flat(login(world.reader).get(url).content.decode())
    assert "Synthèse pour les élus" in page and "Ce qui était prévu" in page
    assert flat(euros(D("12098.86"))) in page  # the period to date
    assert "Les faits sont sous-déclarés." in page
    year = flat(login(world.reader).get(url + "?annee=2025").content.decode())
    assert flat(euros(D("4321.09"))) in year and flat(euros(D("7777.77"))) not in year
    assert login(world.reader).get(url + "?annee=2031").status_code == 404
    assert login(world.outsider).get(url).status_code == 404


def test_the_strategy_and_its_dashboard_link_to_the_summary(login, world: World) -> None:  # type: ignore[no-untyped-def]
    url = reverse("evaluation:summary", args=[world.strategy.pk])
    client = login(world.reader)
    for page in ("strategy:detail", "steering:dashboard", "evaluation:reports"):
        assert url in client.get(reverse(page, args=[world.strategy.pk])).content.decode()


# --------------------------------------------------------------------------------------------
# Published reviews stay frozen
# --------------------------------------------------------------------------------------------


def test_a_published_review_keeps_its_bytes_when_reports_are_rendered_again(  # type: ignore[no-untyped-def]
    world, client
) -> None:
    from stspd.public.tests.test_confidentiality import seed

    seed(world)  # publishes the 2026 review
    published = PublishedReport.objects.get(strategy=world.strategy, year=2026)
    with published.pdf.open("rb") as stored:
        frozen = stored.read()
    client.force_login(world.coordinator)
    assert (
        client.get(reverse("evaluation:annual_pdf", args=[world.strategy.pk, 2026])).status_code
        == 200
    )
    assert client.get(reverse("evaluation:summary", args=[world.strategy.pk])).status_code == 200
    client.logout()
    url = reverse("public:archive_report", args=[world.council.pk, world.strategy.pk, 2026])
    response = client.get(url)
    assert b"".join(response) == frozen


def test_a_review_reads_no_observatory_year_after_its_own(world: World, panel: Panel) -> None:
    """The panel runs to 2023: a review of 2022 compares 2020 with 2022, never with 2023."""

    def change(year: int | None) -> Change:
        report = build_report(world.strategy, year)
        [judgement] = [j for o in report.objectives for j in o.judgements if j.use == panel.use]
        return judgement.change

    assert (change(2022).before_label, change(2022).after_label) == ("2020", "2022")
    assert change(None).after_label == "2023"


def test_the_public_version_counts_no_value_awaiting_validation(from_2025: World) -> None:
    Measurement.objects.create(
        action_indicator=from_2025.action.indicators.get(),
        period_start=datetime.date(2025, 9, 1),
        value=D(3),
        status="submitted",
        submitted_at=timezone.now(),
    )
    assert build_report(from_2025.strategy, 2025).activity.values_submitted == 1
    public = build_report(from_2025.strategy, 2025, public=True)
    assert public.activity.values_submitted == 0
    assert "en attente" not in " ".join(public.summary.done)


def test_the_public_version_counts_the_values_of_public_indicators_only(
    from_2025: World,
) -> None:
    """The fiche action's indicator (never public) has a validated value in 2025 and one in
    2026; the objective's indicator, marked public, one in 2025 and one in 2026: the public
    version counts the latter only, in the 2025 review and since the published 2025 review,
    the internal one both."""
    world = from_2025
    use = world.objective.indicators.get()
    use.public = True
    use.save()
    for day in (datetime.date(2025, 9, 1), datetime.date(2026, 4, 1)):
        Measurement.objects.create(
            objective_indicator=use,
            period_start=day,
            value=D("1.1"),
            status="validated",
            submitted_at=timezone.now(),
        )
    assert build_report(world.strategy, 2025).activity.values_validated == 2
    assert build_report(world.strategy, 2025, public=True).activity.values_validated == 1
    PublishedReport.objects.create(
        strategy=world.strategy,
        year=2025,
        pdf=ContentFile(b"%PDF-1.4", name="bilan-2025.pdf"),
        published_at=timezone.now(),
    )
    internal = build_report(world.strategy).since
    public = build_report(world.strategy, public=True).since
    assert internal is not None and internal.new_values == 2
    assert public is not None and public.new_values == 1
