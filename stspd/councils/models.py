import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from stspd.accounts.models import Organisation
from stspd.territories.models import Commune, Epci

from .enums import (
    AttendanceStatus,
    CouncilKind,
    DecisionStatus,
    FormationKind,
    MemberBasis,
    Role,
    WorkingGroupScope,
)


class Council(models.Model):
    """A CLSPD (one commune) or a CISPD (one EPCI, covering its member communes)."""

    kind = models.CharField("type", max_length=5, choices=CouncilKind.choices)
    name = models.CharField("nom", max_length=200)
    commune = models.OneToOneField(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="council"
    )
    epci = models.OneToOneField(
        Epci, on_delete=models.PROTECT, null=True, blank=True, related_name="council"
    )
    president = models.CharField(
        "président", max_length=200, help_text="Nom et qualité, par exemple « Maire de … »."
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_councils",
        verbose_name="coordinateur ou coordinatrice",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # A council opened by anyone but the site admin waits for the admin's approval: until then
    # nobody can use it (its creator sees it on their home page as pending). Why? Because any
    # signed-in account could otherwise open "CLSPD de Rouen (officiel)" and coordinate it.
    approved_at = models.DateTimeField("validé le", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="validé par",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "conseil"
        verbose_name_plural = "conseils"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=CouncilKind.CLSPD, commune__isnull=False, epci__isnull=True)
                    | Q(kind=CouncilKind.CISPD, epci__isnull=False, commune__isnull=True)
                ),
                name="council_territory_matches_kind",
                violation_error_message=(
                    "Un CLSPD couvre une commune ; un CISPD couvre une intercommunalité."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("councils:detail", args=[self.pk])

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    @property
    def territory(self) -> Commune | Epci:
        territory = self.commune or self.epci
        assert territory is not None  # guaranteed by council_territory_matches_kind
        return territory

    @property
    def territory_code(self) -> str:
        """The INSEE code of a CLSPD's commune, the SIREN of a CISPD's EPCI."""
        territory = self.territory
        return territory.code if isinstance(territory, Commune) else territory.siren

    def communes(self) -> models.QuerySet[Commune]:
        if self.commune is not None:
            return Commune.objects.filter(pk=self.commune.pk)
        return Commune.objects.filter(epci=self.epci)


class CouncilRole(models.Model):
    removed_on_erasure = True  # it only grants access: erased with the account
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="council_roles"
    )
    role = models.CharField("rôle", max_length=12, choices=Role.choices)

    class Meta:
        verbose_name = "rôle"
        verbose_name_plural = "rôles"
        constraints = [
            models.UniqueConstraint(
                fields=["council", "user"],
                name="council_role_unique",
                violation_error_message="Cette personne a déjà un rôle dans ce conseil.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class CouncilMember(models.Model):
    """An organisation sitting in the council, through its representative."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="council_seats"
    )
    representative = models.CharField(
        "représentant", max_length=200, help_text="Nom et fonction de la personne qui siège."
    )
    basis = models.CharField("qualité", max_length=10, choices=MemberBasis.choices)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = "membre du conseil"
        verbose_name_plural = "membres du conseil"
        constraints = [
            models.UniqueConstraint(
                fields=["council", "organisation"],
                name="council_member_unique",
                violation_error_message="Cette organisation est déjà membre du conseil.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.representative})"


class Formation(models.Model):
    """Plenary, restricted formation or working group of a council.

    A working group's content is confidential (law of 5 March 2007, art. L132-5 of the code de la
    sécurité intérieure): only its members who signed the charter may see it.
    """

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="formations")
    kind = models.CharField("type", max_length=13, choices=FormationKind.choices)
    name = models.CharField("nom", max_length=200)
    scope = models.CharField(
        "nature du groupe", max_length=11, choices=WorkingGroupScope.choices, blank=True
    )
    description = models.TextField("objet", blank=True)
    charter = models.TextField(
        "charte déontologique",
        blank=True,
        help_text="Texte que chaque membre du groupe de travail signe avant d'accéder au contenu.",
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = "formation"
        verbose_name_plural = "formations"
        constraints = [
            models.UniqueConstraint(
                fields=["council", "kind"],
                condition=~Q(kind=FormationKind.WORKING_GROUP),
                name="one_plenary_and_one_restricted_per_council",
            ),
            models.UniqueConstraint(
                fields=["council", "name"],
                name="formation_name_unique",
                violation_error_message="Une formation de ce conseil porte déjà ce nom.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("councils:formation", args=[self.pk])

    @property
    def is_working_group(self) -> bool:
        return self.kind == FormationKind.WORKING_GROUP


class FormationMember(models.Model):
    formation = models.ForeignKey(Formation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="formation_seats"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    charter_signed_on = models.DateField("charte signée le", null=True, blank=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        verbose_name = "membre de la formation"
        verbose_name_plural = "membres de la formation"
        constraints = [
            models.UniqueConstraint(
                fields=["formation", "user"],
                name="formation_member_unique",
                violation_error_message="Cette personne est déjà membre de cette formation.",
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


def earliest_meeting_date() -> datetime.date:
    return datetime.date(2007, 3, 5)  # the law that created the CLSPD in its current form


class Meeting(models.Model):
    formation = models.ForeignKey(Formation, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField("date et heure")
    place = models.CharField("lieu", max_length=200)
    agenda = models.TextField("ordre du jour", blank=True)
    minutes = models.TextField("compte rendu", blank=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = "séance"
        verbose_name_plural = "séances"

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.formation} — {local:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("councils:meeting", args=[self.pk])


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendances"
    )
    status = models.CharField("présence", max_length=7, choices=AttendanceStatus.choices)

    class Meta:
        verbose_name = "présence"
        verbose_name_plural = "présences"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="attendance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} : {self.get_status_display()}"


class Decision(models.Model):
    """A decision taken in a meeting, followed up until done (relevé de décisions)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField("décision")
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name="responsable du suivi",
    )
    due_on = models.DateField("échéance")
    status = models.CharField(
        "état", max_length=7, choices=DecisionStatus.choices, default=DecisionStatus.OPEN
    )
    follow_up = models.TextField("suivi", blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = "décision"
        verbose_name_plural = "décisions"

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return reverse("councils:meeting", args=[self.meeting_id]) + f"#decision-{self.pk}"

    @property
    def is_overdue(self) -> bool:
        return self.status == DecisionStatus.OPEN and self.due_on < timezone.localdate()
