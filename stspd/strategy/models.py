"""A council's strategy: axes -> objectives -> actions, its versions, review rounds and adoption.

The strategy is edited in place (the working copy); each frozen version keeps a snapshot of the
whole content (the JSON of `snapshot.py`), so a version sent to partners or signed never changes
while the working copy moves on. Elements carry a `key` that survives edits, versions and moves
between instances: a partner's remark stays attached to its element through them.
"""

import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from stspd.accounts.models import Organisation
from stspd.councils.models import Council, CouncilMember, Meeting
from stspd.indicators.enums import Direction
from stspd.indicators.models import IndicatorDefinition
from stspd.territories.models import Commune

from .enums import (
    ActionStatus,
    AdoptionMode,
    ElementKind,
    Funder,
    PartnerRole,
    RemarkKind,
    RemarkStatus,
    Status,
    StatusMethod,
    Vote,
)
from .rules import (
    ACTION_ENDS_AFTER_START,
    BASELINE_AFTER_DEADLINE,
    DUPLICATE_BUDGET_LINE,
    DUPLICATE_PARTNER,
    NEGATIVE_ACTIVITY_TARGET,
    NEGATIVE_AMOUNT,
    PERIOD_ENDS_AFTER_START,
    SPENT_ABOVE_COMMITTED,
)

AMOUNT = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}


def element_key() -> str:
    return str(uuid.uuid4())


def dates_in_order(
    first: str, then: str, *, strict: bool, name: str, message: str
) -> models.CheckConstraint:
    """`then` on or after `first` (strictly after when `strict`); a missing date passes."""
    after = models.Q(**{f"{then}__{'gt' if strict else 'gte'}": models.F(first)})
    return models.CheckConstraint(
        condition=models.Q(**{f"{first}__isnull": True})
        | models.Q(**{f"{then}__isnull": True})
        | after,
        name=name,
        violation_error_message=message,
    )


class Strategy(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="strategies")
    title = models.CharField("titre", max_length=250)
    starts_on = models.DateField("début de la période")
    ends_on = models.DateField("fin de la période")
    status = models.CharField("état", max_length=11, choices=Status.choices, default=Status.DRAFT)
    evaluation_method = models.TextField(
        "méthode d'évaluation",
        blank=True,
        help_text="Qui évalue, quand, avec quels indicateurs et quelles comparaisons.",
    )
    # The number the working copy will take when it is next frozen.
    version_number = models.PositiveIntegerField("version de travail", default=1)
    # Steering settings of the dashboard (not content: they change in any state).
    status_method = models.CharField(
        "méthode de calcul du statut",
        max_length=12,
        choices=StatusMethod.choices,
        default=StatusMethod.TRAJECTORY,
    )
    status_tolerance = models.PositiveSmallIntegerField(
        "tolérance (%)",
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Méthode de la trajectoire : écart admis, en part du changement prévu.",
    )
    stale_periods = models.PositiveSmallIntegerField(
        "valeurs anciennes après (périodes)",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text="Un indicateur sans valeur depuis ce nombre de périodes est signalé.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = "stratégie territoriale"
        verbose_name_plural = "stratégies territoriales"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="strategy_period_ends_after_start",
                violation_error_message=PERIOD_ENDS_AFTER_START,
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategy:detail", args=[self.pk])

    @staticmethod
    def default_period(start: datetime.date) -> tuple[datetime.date, datetime.date]:
        """Three years by default (docs/domain.md, section 1: a strategy runs about three years)."""
        return start, start.replace(year=start.year + 3) - datetime.timedelta(days=1)


class Axis(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="axes")
    key = models.CharField(max_length=36, default=element_key, editable=False)
    position = models.PositiveSmallIntegerField("ordre", default=0)
    title = models.CharField("intitulé", max_length=250)
    description = models.TextField("enjeux", blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "axe stratégique"
        verbose_name_plural = "axes stratégiques"
        constraints = [models.UniqueConstraint(fields=["strategy", "key"], name="axis_key_unique")]

    def __str__(self) -> str:
        return self.title


class Objective(models.Model):
    axis = models.ForeignKey(Axis, on_delete=models.CASCADE, related_name="objectives")
    key = models.CharField(max_length=36, default=element_key, editable=False)
    position = models.PositiveSmallIntegerField("ordre", default=0)
    statement = models.CharField("objectif", max_length=300)
    unquantified_reason = models.TextField(
        "justification d'un objectif non chiffré",
        blank=True,
        help_text="À remplir seulement si aucun indicateur de résultat ne peut être chiffré.",
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "objectif opérationnel"
        verbose_name_plural = "objectifs opérationnels"

    def __str__(self) -> str:
        return self.statement


class ObjectiveIndicator(models.Model):
    """A result (or context) indicator of an objective, with its baseline and target."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="indicators")
    key = models.CharField(max_length=36, default=element_key, editable=False)
    definition = models.ForeignKey(
        IndicatorDefinition,
        on_delete=models.PROTECT,
        related_name="objective_uses",
        verbose_name="indicateur",
    )
    baseline_value = models.DecimalField(
        "valeur de référence", max_digits=14, decimal_places=3, null=True, blank=True
    )
    baseline_on = models.DateField("date de la valeur de référence", null=True, blank=True)
    target_value = models.DecimalField(
        "cible", max_digits=14, decimal_places=3, null=True, blank=True
    )
    deadline = models.DateField("échéance", null=True, blank=True)
    direction = models.CharField("sens souhaité", max_length=8, choices=Direction.choices)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="périmètre",
        help_text="Une commune membre, ou vide pour tout le territoire du conseil.",
    )
    public = models.BooleanField(
        "publié sur le portail", default=False, help_text="Montré au public avec son état."
    )
    explains = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="explained_by",
        verbose_name="indicateurs de résultat éclairés",
        help_text="Pour un indicateur de contexte : les indicateurs de résultat de l'objectif "
        "à côté desquels il est montré.",
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = "indicateur de l'objectif"
        verbose_name_plural = "indicateurs de l'objectif"
        constraints = [
            dates_in_order(
                "baseline_on",
                "deadline",
                strict=True,
                name="objective_indicator_baseline_before_deadline",
                message=BASELINE_AFTER_DEADLINE,
            )
        ]

    def __str__(self) -> str:
        return str(self.definition)

    @property
    def is_quantified(self) -> bool:
        return None not in (self.baseline_value, self.baseline_on, self.target_value, self.deadline)


class Action(models.Model):
    """A fiche action."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    key = models.CharField(max_length=36, default=element_key, editable=False)
    position = models.PositiveSmallIntegerField("ordre", default=0)
    title = models.CharField("intitulé", max_length=250)
    problem = models.TextField("problème traité", blank=True)
    description = models.TextField("description", blank=True)
    public = models.TextField("public visé", blank=True)
    communes = models.ManyToManyField(
        Commune, blank=True, related_name="strategy_actions", verbose_name="communes"
    )
    neighbourhoods = models.TextField(
        "quartiers prioritaires et lieux",
        blank=True,
        help_text="Un lieu par ligne, par exemple un quartier prioritaire de la ville.",
    )
    lead = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_actions",
        verbose_name="pilote",
    )
    starts_on = models.DateField("début", null=True, blank=True)
    ends_on = models.DateField("fin", null=True, blank=True)
    status = models.CharField(
        "état", max_length=11, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    # Optimistic lock: a save that finds another number was overtaken by someone else's.
    revision = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "fiche action"
        verbose_name_plural = "fiches action"
        constraints = [
            dates_in_order(
                "starts_on",
                "ends_on",
                strict=False,
                name="action_ends_after_start",
                message=ACTION_ENDS_AFTER_START,
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategy:action", args=[self.pk])


class ActionPartner(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="organisation"
    )
    role = models.CharField("rôle", max_length=11, choices=PartnerRole.choices)

    class Meta:
        ordering = ["role", "organisation__name"]
        verbose_name = "partenaire de l'action"
        verbose_name_plural = "partenaires de l'action"
        constraints = [
            models.UniqueConstraint(
                fields=["action", "organisation", "role"],
                name="action_partner_unique",
                violation_error_message=DUPLICATE_PARTNER,
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class Milestone(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField("jalon", max_length=250)
    due_on = models.DateField("échéance")
    done_on = models.DateField("réalisé le", null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = "jalon"
        verbose_name_plural = "jalons"

    def __str__(self) -> str:
        return self.title


class BudgetLine(models.Model):
    """What one funder gives an action in one year, in euros: planned, committed, spent."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="budget_lines")
    funder = models.CharField("financeur", max_length=11, choices=Funder.choices)
    funder_name = models.CharField(
        "précision", max_length=200, blank=True, help_text="Par exemple le nom du bailleur."
    )
    year = models.PositiveSmallIntegerField("année")
    planned = models.DecimalField("prévu (€)", default=Decimal(0), **AMOUNT)  # type: ignore[arg-type]  # AMOUNT is typed dict[str, object]; its values are the DecimalField arguments they name
    committed = models.DecimalField("engagé (€)", default=Decimal(0), **AMOUNT)  # type: ignore[arg-type]  # AMOUNT is typed dict[str, object]; its values are the DecimalField arguments they name
    spent = models.DecimalField("dépensé (€)", default=Decimal(0), **AMOUNT)  # type: ignore[arg-type]  # AMOUNT is typed dict[str, object]; its values are the DecimalField arguments they name

    class Meta:
        ordering = ["year", "funder", "funder_name"]
        verbose_name = "ligne budgétaire"
        verbose_name_plural = "lignes budgétaires"
        constraints = [
            models.UniqueConstraint(
                fields=["action", "funder", "funder_name", "year"],
                name="budget_line_unique",
                violation_error_message=DUPLICATE_BUDGET_LINE,
            ),
            models.CheckConstraint(
                condition=models.Q(planned__gte=0, committed__gte=0, spent__gte=0),
                name="budget_line_amounts_not_negative",
                violation_error_message=NEGATIVE_AMOUNT,
            ),
            models.CheckConstraint(
                condition=models.Q(spent__lte=models.F("committed")),
                name="budget_line_spent_within_committed",
                violation_error_message=SPENT_ABOVE_COMMITTED,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_funder_display()} {self.year}"


class ActionIndicator(models.Model):
    """An activity indicator of an action, with an optional target for the period."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="indicators")
    key = models.CharField(max_length=36, default=element_key, editable=False)
    definition = models.ForeignKey(
        IndicatorDefinition,
        on_delete=models.PROTECT,
        related_name="action_uses",
        verbose_name="indicateur",
    )
    target_value = models.DecimalField(
        "cible", max_digits=14, decimal_places=3, null=True, blank=True
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = "indicateur d'activité"
        verbose_name_plural = "indicateurs d'activité"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_value__isnull=True) | models.Q(target_value__gte=0),
                name="action_indicator_target_not_negative",
                violation_error_message=NEGATIVE_ACTIVITY_TARGET,
            )
        ]

    def __str__(self) -> str:
        return str(self.definition)


class StrategyVersion(models.Model):
    """A frozen version: sent to partners for review, or adopted and signed."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("version")
    snapshot = models.JSONField("contenu figé")
    frozen_at = models.DateTimeField("figée le", auto_now_add=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField("motif", max_length=200)

    class Meta:
        ordering = ["number"]
        verbose_name = "version figée"
        verbose_name_plural = "versions figées"
        constraints = [
            models.UniqueConstraint(fields=["strategy", "number"], name="version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.strategy} — version {self.number}"


class ReviewRound(models.Model):
    """An aller-retour: version N sent to chosen partners, who comment until the deadline."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="review_rounds")
    version = models.OneToOneField(
        StrategyVersion, on_delete=models.PROTECT, related_name="review_round"
    )
    deadline = models.DateField("date limite des retours")
    message = models.TextField("message aux partenaires", blank=True)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="review_rounds", verbose_name="relecteurs"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField("clos le", null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = "aller-retour"
        verbose_name_plural = "allers-retours"

    def __str__(self) -> str:
        return f"Aller-retour sur la version {self.version.number}"

    def get_absolute_url(self) -> str:
        return reverse("strategy:review", args=[self.pk])


class Remark(models.Model):
    """A partner's comment on an element, or a proposed amendment (new text or value)."""

    review_round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="remarks")
    element_kind = models.CharField("élément", max_length=9, choices=ElementKind.choices)
    element_key = models.CharField(max_length=36)
    element_label = models.CharField("intitulé de l'élément", max_length=300)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="remarks"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField("nature", max_length=9, choices=RemarkKind.choices)
    text = models.TextField("commentaire")
    field = models.CharField("champ amendé", max_length=40, blank=True)
    proposed_value = models.TextField("nouvelle rédaction ou valeur", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        "suite donnée", max_length=8, choices=RemarkStatus.choices, default=RemarkStatus.OPEN
    )
    response = models.TextField("motif de la décision", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "remarque"
        verbose_name_plural = "remarques"
        indexes = [models.Index(fields=["element_key"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} sur « {self.element_label} »"


class Transition(models.Model):
    """One step of the adoption workflow, as it happened."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="transitions")
    source = models.CharField("état de départ", max_length=11, choices=Status.choices)
    target = models.CharField("état d'arrivée", max_length=11, choices=Status.choices)
    version_number = models.PositiveIntegerField("version")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    comment = models.TextField("commentaire", blank=True)
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="strategy_transitions",
        verbose_name="séance",
    )
    adoption_mode = models.CharField(
        "mode d'adoption", max_length=9, choices=AdoptionMode.choices, blank=True
    )

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "étape d'adoption"
        verbose_name_plural = "étapes d'adoption"

    def __str__(self) -> str:
        return f"{self.get_source_display()} → {self.get_target_display()}"


class MemberVote(models.Model):
    """The vote of one council member when the council adopted the strategy by vote."""

    transition = models.ForeignKey(Transition, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="+")
    vote = models.CharField("vote", max_length=7, choices=Vote.choices)

    class Meta:
        verbose_name = "vote d'un membre"
        verbose_name_plural = "votes des membres"
        constraints = [
            models.UniqueConstraint(fields=["transition", "member"], name="member_vote_unique")
        ]

    def __str__(self) -> str:
        return f"{self.member} : {self.get_vote_display()}"


class Deliberation(models.Model):
    """The municipal or community council's deliberation approving the strategy."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="deliberations")
    version_number = models.PositiveIntegerField("version")
    assembly = models.CharField(
        "assemblée", max_length=200, help_text="Par exemple : conseil municipal de Rouen."
    )
    held_on = models.DateField("date de la séance")
    number = models.CharField("numéro de la délibération", max_length=50)
    votes_for = models.PositiveIntegerField("pour")
    votes_against = models.PositiveIntegerField("contre")
    abstentions = models.PositiveIntegerField("abstentions")
    document = models.FileField("délibération (PDF)", upload_to="deliberations/", blank=True)

    class Meta:
        ordering = ["held_on"]
        verbose_name = "délibération"
        verbose_name_plural = "délibérations"

    def __str__(self) -> str:
        return f"Délibération n° {self.number} du {self.held_on:%d/%m/%Y}"


class Signature(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="signatures")
    version_number = models.PositiveIntegerField("version")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="organisation"
    )
    signatory = models.CharField("signataire", max_length=200, help_text="Nom et qualité.")
    signed_on = models.DateField("signée le")

    class Meta:
        ordering = ["signed_on", "organisation__name"]
        verbose_name = "signature"
        verbose_name_plural = "signatures"
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "version_number", "organisation"],
                name="signature_unique",
                violation_error_message="Cette organisation a déjà signé cette version.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.signatory}"


class StoredDocument(models.Model):
    """A strategy's document rendered once and kept: what it was made from (`basis`, a hash of
    the version's content or records), the file, and the file's SHA-256 (its ETag)."""

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="stored_documents"
    )
    kind = models.CharField("document", max_length=10)
    # None: the working copy (cached until its content changes); N: frozen version N.
    version_number = models.PositiveIntegerField("version", null=True, blank=True)
    basis = models.CharField("empreinte de ce qui est rendu", max_length=64)
    file = models.FileField("fichier", upload_to="documents/")
    sha256 = models.CharField("SHA-256 du fichier", max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "document produit"
        verbose_name_plural = "documents produits"
        indexes = [
            models.Index(
                fields=["strategy", "kind", "version_number", "basis"],
                name="stored_document_lookup",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} de {self.strategy_id} v{self.version_number or 'travail'}"


class PlanImport(models.Model):
    """An action-plan spreadsheet sent back by the coordinator: previewed, then applied as one
    change that can be undone while the strategy is still editable.

    `before` keeps the draft's content (its snapshot's axes, and the ids of its actions and
    activity indicators) as it stood just before the import was applied: the undo restores it,
    and `after_basis` (the hash of the content the import left) tells whether the draft has
    changed since."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="plan_imports")
    filename = models.CharField("fichier", max_length=200)
    content = models.BinaryField("classeur")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    before = models.JSONField("contenu avant l'import", null=True, blank=True)
    after_basis = models.CharField("empreinte du contenu après l'import", max_length=64, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    applied_at = models.DateTimeField("appliqué le", null=True, blank=True)
    reverted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reverted_at = models.DateTimeField("annulé le", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "import du plan d'action"
        verbose_name_plural = "imports du plan d'action"

    def __str__(self) -> str:
        return f"Import du plan d'action « {self.filename} »"

    def get_absolute_url(self) -> str:
        return reverse("strategy:plan_import_detail", args=[self.strategy_id, self.pk])
