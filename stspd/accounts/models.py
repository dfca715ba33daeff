from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models

from stspd.territories.search import search_key

from .enums import AccountMailKind, OrganisationKind


class EmailUserManager(UserManager):  # type: ignore[type-arg]  # runtime class is not generic
    """People log in with their e-mail address; there is no separate user name."""

    def _create_user(self, email: str, password: str | None, **extra_fields: Any) -> "User":
        user: User = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(  # type: ignore[override]  # email replaces username as the first argument (USERNAME_FIELD)
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(  # type: ignore[override]  # email replaces username as the first argument (USERNAME_FIELD)
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person using the platform. `is_superuser` makes a site admin (the hosting operator)."""

    username = None  # type: ignore[assignment]  # Django's documented way to drop AbstractUser's username field
    email = models.EmailField("adresse électronique", unique=True)
    job_title = models.CharField("fonction", max_length=200, blank=True)
    # Right to erasure (RGPD art. 17): the person asks, the site admin anonymises the account.
    erasure_requested_at = models.DateTimeField("effacement demandé le", null=True, blank=True)
    erased_at = models.DateTimeField("effacé le", null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = EmailUserManager()  # type: ignore[misc]  # the stubs declare objects a ClassVar; a custom manager is Django's documented way

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Addresses are compared in lower case everywhere (login, invitations, the admin).
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class Organisation(models.Model):
    """A partner: a State service, a local authority, a landlord, an association..."""

    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=20, choices=OrganisationKind.choices)
    # The name folded (no accents, case or punctuation): "Préfecture de la Seine-Maritime" and
    # "PREFECTURE DE LA SEINE MARITIME" are one organisation, on SQLite as on PostgreSQL.
    name_key = models.CharField(max_length=200, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "organisation partenaire"
        verbose_name_plural = "organisations partenaires"

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_key = search_key(self.name)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.name = self.name.strip()
        same = Organisation.objects.filter(name_key=search_key(self.name)).exclude(pk=self.pk)
        if same.exists():
            raise ValidationError(
                {"name": f"Une organisation porte déjà ce nom : « {same.get().name} »."}
            )


class Membership(models.Model):
    """A person works for an organisation (a person may belong to several)."""

    removed_on_erasure = True  # it only grants access: erased with the account

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )

    class Meta:
        verbose_name = "appartenance"
        verbose_name_plural = "appartenances"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                name="membership_unique",
                violation_error_message="Cette personne appartient déjà à cette organisation.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation}"


class LoginAttempt(models.Model):
    """One try at logging in, successful or not: the login history, and what throttling counts.

    Kept in the database rather than in a cache so that every app server counts the same
    failures.
    """

    at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    email = models.CharField("adresse saisie", max_length=254, db_index=True)
    ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="login_attempts",
        verbose_name="utilisateur",
    )
    succeeded = models.BooleanField("réussie", default=False)
    # Refused without checking the password, because of too many recent failures.
    throttled = models.BooleanField("bloquée", default=False)
    # A failure the address's owner cleared with the unlock link sent by e-mail: kept in the
    # history, no longer counted by the throttle.
    cleared = models.BooleanField("débloquée par le titulaire", default=False)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "tentative de connexion"
        verbose_name_plural = "tentatives de connexion"
        indexes = [models.Index(fields=["ip", "at"], name="login_attempt_ip_at")]

    def __str__(self) -> str:
        outcome = "réussie" if self.succeeded else "échouée"
        return f"{self.email} {outcome} le {self.at:%d/%m/%Y %H:%M}"


class AccountMail(models.Model):
    """An e-mail about the account sent to an address (password reset, unlock link): what the
    hourly limit per address counts. Rows older than the hour are deleted when a new one is
    written: no history of addresses is kept."""

    at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    email = models.CharField("adresse", max_length=254)
    kind = models.CharField("objet", max_length=20, choices=AccountMailKind.choices)

    class Meta:
        verbose_name = "courriel de compte envoyé"
        verbose_name_plural = "courriels de compte envoyés"
        indexes = [models.Index(fields=["email", "kind", "at"], name="account_mail_email_kind_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} à {self.email} le {self.at:%d/%m/%Y %H:%M}"


class DownloadCount(models.Model):
    """Anonymous downloads of documents from one address in one minute: what the limit on
    costly anonymous requests counts (`throttle.DownloadLimitMiddleware`). Finished minutes are
    deleted as addresses begin a new one: about one minute of addresses is ever kept."""

    client = models.CharField("adresse IP", max_length=64)
    minute = models.BigIntegerField()  # minutes since the epoch
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "téléchargements anonymes d'une minute"
        verbose_name_plural = "téléchargements anonymes par minute"
        constraints = [
            models.UniqueConstraint(fields=["client", "minute"], name="one_download_count_a_minute")
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.count}"
