import datetime
import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from stspd.accounts.models import Organisation
from stspd.territories.models import Commune, Epci

from .enums import (
    AttendanceStatus,
    ConvocationAnswer,
    CouncilKind,
    DecisionKind,
    DecisionStatus,
    FormationKind,
    MemberBasis,
    MemberPresence,
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

    def sync_titular(self) -> None:
        """The member's "représentant" line names its titular Representative (the person who is
        convened); a change of the line renames that person, substitutes are left alone."""
        titular = self.representatives.filter(is_substitute=False).first()
        if titular is None:
            Representative.objects.create(member=self, name=self.representative)
        elif titular.name != self.representative:
            titular.name = self.representative
            titular.save(update_fields=["name"])


class Representative(models.Model):
    """A person who sits for a member organisation, titular or substitute, and is convened.

    An account is not needed: the préfet's or the procureur's representative is convened by
    e-mail and answers through the link of the convocation.
    """

    member = models.ForeignKey(
        CouncilMember, on_delete=models.CASCADE, related_name="representatives"
    )
    name = models.CharField("nom", max_length=200)
    function = models.CharField("fonction", max_length=200, blank=True)
    email = models.EmailField(
        "adresse électronique", blank=True, help_text="Pour recevoir les convocations."
    )
    is_substitute = models.BooleanField("suppléant ou suppléante", default=False)

    class Meta:
        ordering = ["is_substitute", "name", "pk"]
        verbose_name = "représentant"
        verbose_name_plural = "représentants"

    def __str__(self) -> str:
        return f"{self.name}, {self.function}" if self.function else self.name


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
    quorum_percent = models.PositiveSmallIntegerField(
        "quorum (%)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=(
            "Part des organisations membres présentes ou représentées que le règlement intérieur "
            "exige pour décider. Laisser vide si le règlement n'en fixe pas."
        ),
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
    ends_at = models.DateTimeField(
        "fin prévue", null=True, blank=True, help_text="Par défaut, deux heures après le début."
    )
    place = models.CharField("lieu", max_length=200)
    video_link = models.URLField("lien de visioconférence", blank=True)
    agenda = models.TextField("ordre du jour", blank=True)
    minutes = models.TextField("compte rendu", blank=True)
    minutes_circulated_at = models.DateTimeField("compte rendu diffusé le", null=True, blank=True)
    # The calendar invitation's identity (RFC 5545 UID) and revision (SEQUENCE): a calendar
    # updates the event it already has instead of adding a second one.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = "séance"
        verbose_name_plural = "séances"

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.formation} — {local:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("councils:meeting", args=[self.pk])

    @property
    def end(self) -> datetime.datetime:
        return self.ends_at or self.starts_at + datetime.timedelta(hours=2)


class MemberAttendance(models.Model):
    """How a member organisation took part in a meeting of the plenary or restricted formation.

    Kept by organisation, not by membership, so that the record survives the organisation
    leaving the council later.
    """

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="member_attendances"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("participation", max_length=11, choices=MemberPresence.choices)
    attendee = models.CharField(
        "personne présente", max_length=200, blank=True, help_text="Qui a siégé."
    )
    represented_by = models.CharField(
        "représentée par",
        max_length=200,
        blank=True,
        help_text="L'organisation ou la personne qui a reçu pouvoir.",
    )

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = "participation d'un membre"
        verbose_name_plural = "participations des membres"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation"], name="member_attendance_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} : {self.get_status_display().lower()}"

    @property
    def counts_for_quorum(self) -> bool:
        return self.status in (MemberPresence.PRESENT, MemberPresence.REPRESENTED)


def new_token() -> str:
    return secrets.token_urlsafe(24)


class ConvocationRecipient(models.Model):
    """A representative convened to a meeting, reached through a secret link."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="recipients")
    representative = models.ForeignKey(
        Representative, on_delete=models.CASCADE, related_name="convocations"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    sent_at = models.DateTimeField("envoyée le")
    sequence_sent = models.PositiveIntegerField(default=0)
    opened_at = models.DateTimeField("ouverte le", null=True, blank=True)
    reminded_at = models.DateTimeField("relancée le", null=True, blank=True)
    answer = models.CharField(
        "réponse", max_length=11, choices=ConvocationAnswer.choices, blank=True
    )
    answer_comment = models.CharField("précision", max_length=200, blank=True)
    answered_at = models.DateTimeField("répondu le", null=True, blank=True)

    class Meta:
        ordering = ["representative__member__organisation__name", "representative__name"]
        verbose_name = "convocation"
        verbose_name_plural = "convocations"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "representative"], name="convocation_recipient_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.representative} — {self.meeting}"

    def get_absolute_url(self) -> str:
        return reverse("councils:convocation", args=[self.token])


class MeetingDocument(models.Model):
    """A document joined to a convocation: the draft strategy, the observatory's yearly
    presentation, a review. PDF or spreadsheet only (checked by content, like every upload)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField("titre", max_length=200)
    file = models.FileField("fichier", upload_to="seances/")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"

    def __str__(self) -> str:
        return self.title

    @property
    def filename(self) -> str:
        return (self.file.name or "").rsplit("/", 1)[-1]


class CalendarFeed(models.Model):
    """A person's private calendar address (iCalendar): the meetings they may attend."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)

    removed_on_erasure = True  # it only grants access: erased with the account

    def __str__(self) -> str:
        return f"Agenda de {self.user}"


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
    """A decision taken in a meeting (relevé de décisions).

    A follow-up decision has an owner and a due date and is followed until done; the other kinds
    record what the meeting did (debate, adoption, opinion, minutes approved) and are created by
    the workflows that do it.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(
        "nature", max_length=15, choices=DecisionKind.choices, default=DecisionKind.FOLLOW_UP
    )
    text = models.TextField("décision")
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name="responsable du suivi",
        null=True,
        blank=True,
    )
    due_on = models.DateField("échéance", null=True, blank=True)
    approved_meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        related_name="approvals",
        null=True,
        blank=True,
        verbose_name="séance dont le compte rendu est approuvé",
    )
    status = models.CharField(
        "état", max_length=7, choices=DecisionStatus.choices, default=DecisionStatus.OPEN
    )
    follow_up = models.TextField("suivi", blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = "décision"
        verbose_name_plural = "décisions"
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=DecisionKind.FOLLOW_UP)
                | (Q(owner__isnull=False) & Q(due_on__isnull=False)),
                name="follow_up_decision_has_owner_and_due_date",
            ),
            models.CheckConstraint(
                condition=Q(kind=DecisionKind.MINUTES_APPROVAL, approved_meeting__isnull=False)
                | (~Q(kind=DecisionKind.MINUTES_APPROVAL) & Q(approved_meeting__isnull=True)),
                name="minutes_approval_names_its_meeting",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return reverse("councils:meeting", args=[self.meeting_id]) + f"#decision-{self.pk}"

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == DecisionStatus.OPEN
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )

    @property
    def is_follow_up(self) -> bool:
        return self.kind == DecisionKind.FOLLOW_UP
