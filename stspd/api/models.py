"""API tokens (one person, chosen scopes, an expiry) and the request counters of rate limiting."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "stspd_"


class Scope(models.TextChoices):
    READ = "lecture", "Lecture (territoires, observatoire, stratégies, indicateurs, valeurs)"
    REPORT = "saisie", "Saisie des valeurs d'indicateurs que vous renseignez"


def digest(secret: str) -> str:
    """Tokens are stored hashed: a copy of the database gives no usable token."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal token: it acts as its owner, within its scopes, until it expires or is
    revoked. Only its hash is kept; the secret is shown once, at creation."""

    removed_on_erasure = True  # it only grants access: erased with the account

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("nom", max_length=100)
    hint = models.CharField("début du jeton", max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField("portées", default=list)
    created_at = models.DateTimeField("créé le", default=timezone.now)
    expires_at = models.DateTimeField("expire le")
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(
        cls, user: object, *, name: str, scopes: list[str], expires_at: object
    ) -> tuple[ApiToken, str]:
        """A new token and its secret (the only time the secret exists in clear)."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            hint=secret[: len(TOKEN_PREFIX) + 6],
            digest=digest(secret),
            scopes=sorted(scopes),
            expires_at=expires_at,
        )
        return token, secret

    @property
    def scope_labels(self) -> list[str]:
        labels = dict(Scope.choices)
        return [str(labels.get(scope, scope)) for scope in self.scopes]


class RequestCount(models.Model):
    """Requests of one client (a token, a person or an address) in one minute."""

    client = models.CharField(max_length=100)
    minute = models.BigIntegerField()  # minutes since the epoch
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "minute"], name="api_one_count_per_minute")
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.count}"
