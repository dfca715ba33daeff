"""The demo strategy: built through the real verbs, complete, adopted, signed, in force."""

from decimal import Decimal

from django.core.management import call_command
from django.db.models import Sum

from stspd.steering.dashboard import dashboard_data
from stspd.strategy.enums import RemarkKind, RemarkStatus, Status
from stspd.strategy.models import Action, BudgetLine, Objective, ObjectiveIndicator, Strategy
from stspd.strategy.readiness import readiness_gaps


def test_demo_strategy_is_complete_and_signed(db) -> None:  # type: ignore[no-untyped-def]
    call_command("demo")
    strategy = Strategy.objects.get(council__epci__siren="200023414")
    assert strategy.status == Status.IN_FORCE
    assert (strategy.ends_on - strategy.starts_on).days in (1094, 1095)  # three years
    assert strategy.axes.count() == 4
    # Eleven of the content, and the one fed by the residents' survey waves.
    assert Objective.objects.filter(axis__strategy=strategy).count() == 12
    surveyed = Objective.objects.get(
        axis__strategy=strategy, indicators__definition__survey_question="insecurite_quartier"
    )
    assert surveyed.indicators.get().is_quantified
    snapshot = strategy.versions.get(number=2).snapshot
    assert surveyed.statement in str(snapshot)
    actions = Action.objects.filter(objective__axis__strategy=strategy)
    assert actions.count() == 24
    assert not actions.filter(lead__isnull=True).exists()
    assert readiness_gaps(strategy) == []
    sections = list(strategy.council.diagnostic.sections.all())
    assert len(sections) == 6 and all(len(section.text) > 100 for section in sections)
    assert strategy.versions.get(number=2).snapshot["diagnostic"]["sections"][0]["text"]

    funders = set(BudgetLine.objects.filter(action__in=actions).values_list("funder", flat=True))
    assert {"fipd", "commune", "departement"} <= funders
    totals = BudgetLine.objects.filter(action__in=actions).aggregate(
        planned=Sum("planned"), spent=Sum("spent")
    )
    assert totals["planned"] > totals["spent"] > Decimal(0)

    # SSMSI baselines come from the observatory's real figures, never invented.
    bound = Objective.objects.filter(
        axis__strategy=strategy, indicators__definition__observatory_indicator__isnull=False
    ).distinct()
    assert bound.count() == 6
    quantified = 0
    for objective in bound:
        use = objective.indicators.get(definition__observatory_indicator__isnull=False)
        assert use.is_quantified or objective.unquantified_reason
        quantified += use.is_quantified
        if use.is_quantified:
            # Set on a member commune whose rate is published, not on a lower bound.
            assert use.commune is not None and use.commune.name in objective.statement
    assert quantified == 4
    # The territory's total is a lower bound (secrecy), and the demo's communal file has no
    # dwellings (no burglary rate): no baseline for these two, and the reason is written.
    for name in ("Cambriolages de logement", "Escroqueries et fraudes aux moyens de paiement"):
        objective = bound.get(indicators__definition__name=name)
        assert "borne basse" in objective.unquantified_reason
        assert objective.indicators.get(definition__kind="result").commune is None

    # Two context indicators of the library beside the Rouen result indicator they explain,
    # their values read from the shipped context data (Filosofi 2021: Rouen 23 %).
    beside = ObjectiveIndicator.objects.filter(
        objective__axis__strategy=strategy, definition__kind="context"
    )
    assert sorted(beside.values_list("definition__context_source", flat=True)) == [
        "poverty_rate",
        "unemployment_rate",
    ]
    for use in beside:
        (explained,) = use.explains.all()
        assert explained.definition.name == "Vols violents sans arme"
        assert use.commune is not None and use.commune.code == explained.commune.code == "76540"
    dashboard = dashboard_data(strategy.pk)
    rows = {row.use.pk: row for row in dashboard.indicators}
    poverty = rows[beside.get(definition__context_source="poverty_rate").pk]
    assert poverty.status is None and poverty.context is not None
    assert poverty.context.value_text.replace("\u202f", " ").replace("\xa0", " ") == "23 %"

    round_ = strategy.review_rounds.get()
    assert round_.closed_at is not None
    remarks = list(round_.remarks.all())
    assert {r.kind for r in remarks} == {RemarkKind.COMMENT, RemarkKind.AMENDMENT}
    assert {r.status for r in remarks} == {RemarkStatus.ACCEPTED, RemarkStatus.REJECTED}
    assert all(r.response for r in remarks)
    # The accepted amendment reached the working copy, hence the adopted version.
    amended = Action.objects.get(key=next(r.element_key for r in remarks if r.field == "public"))
    assert amended.public.endswith("et leurs familles")

    versions = list(strategy.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert strategy.signatures.filter(version_number=2).count() == 5
    assert strategy.deliberations.get().version_number == 2
    assert [t.target for t in strategy.transitions.order_by("at")] == [
        "in_review",
        "orientation",
        "adopted",
        "deliberated",
        "signed",
        "in_force",
    ]

    call_command("demo")  # a second run changes nothing
    assert Strategy.objects.filter(council=strategy.council).count() == 1
