"""What the platform records to check a council's obligations and to let the State see them.

- `MeetingItem`: an item of a plenary or restricted meeting that an obligation asks for (the
  yearly delinquency briefing, the vote of the rules of procedure).
- `Agreement`: the register of the council's linked contracts and acts (coordination agreement
  of the municipal police, integrated security contract, contrat de ville, CDDF...).
- `YearlyReturn`: the activity return of a year, frozen when the coordinator sends it.
- `StateRole`: a préfecture agent (one département) or a national agent, given by the site admin.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from stspd.councils.models import Council, Meeting
from stspd.strategy.models import Action
from stspd.territories.models import Departement


class MeetingItemKind(models.TextChoices):
    BRIEFING = "briefing", "Présentation de l'état et de l'évolution de la délinquance"
    RULES_OF_PROCEDURE = "rules", "Vote du règlement intérieur"


class MeetingItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="obligation_items")
    kind = models.CharField(
        "point de l'ordre du jour", max_length=8, choices=MeetingItemKind.choices
    )
    note = models.CharField(
        "précision",
        max_length=300,
        blank=True,
        help_text="Par exemple : présentation annuelle de l'observatoire par le commissariat.",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting__starts_at", "kind"]
        verbose_name = "point de séance au titre des obligations"
        verbose_name_plural = "points de séance au titre des obligations"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "kind"], name="meeting_item_unique")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class AgreementKind(models.TextChoices):
    COORDINATION = "coordination", "Convention de coordination police municipale / forces de l'État"
    CSI = "csi", "Contrat de sécurité intégrée"
    CONTRAT_DE_VILLE = "contrat_ville", "Contrat de ville (volet sécurité et prévention)"
    CDDF = "cddf", "Délibération créant le conseil pour les droits et devoirs des familles"
    OTHER = "other", "Autre convention"


class Agreement(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="agreements")
    kind = models.CharField("nature", max_length=13, choices=AgreementKind.choices)
    title = models.CharField("intitulé", max_length=250)
    parties = models.TextField("signataires", help_text="Une partie par ligne.")
    signed_on = models.DateField("signée le")
    ends_on = models.DateField(
        "fin de validité", null=True, blank=True, help_text="Vide si la convention est sans terme."
    )
    renewal_due_on = models.DateField("renouvellement à préparer avant le", null=True, blank=True)
    evaluation_due_on = models.DateField(
        "prochaine évaluation due le",
        null=True,
        blank=True,
        help_text="Vide si la convention ne prévoit pas d'évaluation.",
    )
    last_evaluated_on = models.DateField("dernière évaluation le", null=True, blank=True)
    actions = models.ManyToManyField(
        Action, blank=True, related_name="agreements", verbose_name="fiches action qui la servent"
    )

    class Meta:
        ordering = ["kind", "-signed_on"]
        verbose_name = "convention liée"
        verbose_name_plural = "conventions liées"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=models.F("signed_on")),
                name="agreement_ends_after_signature",
                violation_error_message="La fin de validité doit suivre la date de signature.",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("obligations:agreements", args=[self.council_id]) + f"#convention-{self.pk}"


class ActionAxisTag(models.Model):
    """A fiche action serves an axis of a national strategy (codes of `national.py`'s data)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="national_axes")
    framework = models.CharField("stratégie nationale", max_length=20)
    axis = models.CharField("axe", max_length=5)

    class Meta:
        ordering = ["framework", "axis"]
        verbose_name = "axe national d'une fiche action"
        verbose_name_plural = "axes nationaux des fiches action"
        constraints = [
            models.UniqueConstraint(
                fields=["action", "framework", "axis"], name="action_axis_tag_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.framework} axe {self.axis}"


class PlanPriority(models.Model):
    """A priority of the préfet's departmental plan (PDPD), versioned by the plan's period.

    Written by the préfecture agent of the département; the councils' fiches are tagged with
    the priorities they serve (`ActionPlanTag`)."""

    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="plan_priorities"
    )
    plan = models.CharField(
        "plan",
        max_length=200,
        help_text="Par exemple : Plan départemental de prévention 2024-2027.",
    )
    starts_on = models.DateField("début du plan")
    ends_on = models.DateField("fin du plan")
    code = models.CharField("numéro", max_length=10, help_text="Par exemple : 1, 2.a…")
    label = models.CharField("priorité", max_length=300)

    class Meta:
        ordering = ["departement", "-starts_on", "code"]
        verbose_name = "priorité du plan départemental"
        verbose_name_plural = "priorités du plan départemental"
        constraints = [
            models.UniqueConstraint(
                fields=["departement", "plan", "code"],
                name="plan_priority_unique",
                violation_error_message="Ce plan a déjà une priorité de ce numéro.",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")),
                name="plan_priority_period",
                violation_error_message="La fin du plan doit suivre son début.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} — {self.code}. {self.label}"


class ActionPlanTag(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="plan_priorities")
    priority = models.ForeignKey(PlanPriority, on_delete=models.CASCADE, related_name="tags")

    class Meta:
        verbose_name = "priorité départementale d'une fiche action"
        verbose_name_plural = "priorités départementales des fiches action"
        constraints = [
            models.UniqueConstraint(fields=["action", "priority"], name="action_plan_tag_unique")
        ]

    def __str__(self) -> str:
        return str(self.priority)


class YearlyReturn(models.Model):
    """The activity return of a council for a year, as sent to the préfecture.

    `figures` is the snapshot computed when it was sent (`yearly.figures`): the document the
    préfecture received does not change when the council's data change afterwards.
    """

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="yearly_returns")
    year = models.PositiveSmallIntegerField("année")
    coordination_fte = models.DecimalField(
        "temps consacré à la coordination (ETP)",
        max_digits=4,
        decimal_places=2,
        help_text="En équivalent temps plein sur l'année, par exemple 0,5.",
    )
    situations_examined = models.PositiveIntegerField(
        "situations individuelles examinées par les groupes de travail",
        help_text="Un nombre total, sans aucun nom ni détail : il est transmis à la préfecture.",
    )
    figures = models.JSONField()
    sent_at = models.DateTimeField("transmis le")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = "rapport annuel d'activité"
        verbose_name_plural = "rapports annuels d'activité"
        constraints = [
            models.UniqueConstraint(fields=["council", "year"], name="yearly_return_unique"),
            models.CheckConstraint(
                condition=Q(coordination_fte__gte=0, coordination_fte__lte=10),
                name="yearly_return_fte_range",
                violation_error_message="Le temps consacré est compris entre 0 et 10 ETP.",
            ),
        ]

    def __str__(self) -> str:
        return f"Rapport d'activité {self.year} — {self.council}"


class StateLevel(models.TextChoices):
    PREFECTURE = "prefecture", "Agent de préfecture (un département)"
    NATIONAL = "national", "Agent du secrétariat national (SG-CIPDR)"


class StateRole(models.Model):
    """A State agent's view over the councils: aggregates and obligations, never working-group
    content. Given by the site admin (Django's administration)."""

    removed_on_erasure = True  # it only grants access: erased with the account

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="state_role"
    )
    level = models.CharField("niveau", max_length=10, choices=StateLevel.choices)
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, null=True, blank=True, verbose_name="département"
    )

    class Meta:
        verbose_name = "rôle d'agent de l'État"
        verbose_name_plural = "rôles d'agent de l'État"
        constraints = [
            models.CheckConstraint(
                condition=Q(level=StateLevel.PREFECTURE, departement__isnull=False)
                | Q(level=StateLevel.NATIONAL, departement__isnull=True),
                name="state_role_departement_matches_level",
                violation_error_message=(
                    "Un agent de préfecture a un département ; un agent national n'en a pas."
                ),
            )
        ]

    def __str__(self) -> str:
        where = f" ({self.departement})" if self.departement else ""
        return f"{self.user} — {self.get_level_display()}{where}"
