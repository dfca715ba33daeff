"""A person's own data: exported on request (RGPD art. 15 and 20), anonymised on erasure (art. 17).

What is theirs is found from the models themselves: every row that points to the person (their
memberships, roles, seats, the events they wrote, remarks, measurements they submitted...), so a
model added later is exported without touching this file.
"""

import json
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from stspd.audit.events import record
from stspd.audit.models import Event

from .models import LoginAttempt, User

ERASED_LABEL = "utilisateur supprimé"
PROFILE_FIELDS = [
    "email",
    "first_name",
    "last_name",
    "job_title",
    "date_joined",
    "last_login",
    "is_active",
    "is_superuser",
    "erasure_requested_at",
]


def access_grant_models() -> list[type[models.Model]]:
    """The models whose rows only grant a person access (memberships, roles, API tokens): they
    go with the account. Each says so with `removed_on_erasure = True`, so the rooms above
    `accounts` need not be known here."""
    return [model for model in apps.get_models() if getattr(model, "removed_on_erasure", False)]


def rows_pointing_to(user: User) -> dict[str, list[dict[str, Any]]]:
    """Every row of every model with a foreign key or a many-to-many to `user`, by model."""
    found: dict[str, list[dict[str, Any]]] = {}
    for model in apps.get_models():
        if model is User:
            continue
        lookups = [
            models.Q(**{field.name: user})
            for field in model._meta.get_fields()
            if field.concrete
            and (field.many_to_one or field.one_to_one or field.many_to_many)
            and field.related_model is User
        ]
        if not lookups:
            continue
        condition = lookups[0]
        for lookup in lookups[1:]:
            condition |= lookup
        rows = model._default_manager.filter(condition).distinct().order_by("pk")
        if rows.exists():
            key = f"{model._meta.label_lower} ({model._meta.verbose_name_plural})"
            found[key] = [
                {"id": row["pk"], **row["fields"]} for row in serializers.serialize("python", rows)
            ]
    return found


def export(user: User) -> dict[str, Any]:
    """The person's data as JSON-ready values: profile, then every row that is about them."""
    profile = {name: getattr(user, name) for name in PROFILE_FIELDS}
    exported: dict[str, Any] = json.loads(
        json.dumps(
            {
                "exporté le": timezone.now(),
                "profil": profile,
                "données": rows_pointing_to(user),
            },
            cls=DjangoJSONEncoder,
            ensure_ascii=False,
        )
    )
    return exported


def request_erasure(user: User) -> None:
    if user.erasure_requested_at is None:
        user.erasure_requested_at = timezone.now()
        user.save(update_fields=["erasure_requested_at"])
        record(user, "erasure_requested", user, label=str(user))


def _scrub(text: str, names: list[str]) -> str:
    for name in names:
        text = text.replace(name, ERASED_LABEL)
    return text


@transaction.atomic
def erase(user: User, *, by: User) -> None:
    """Anonymise the account: no name, address, password or login history is left; what the
    person wrote for others (events, remarks, measurements, minutes) stays, signed
    "utilisateur supprimé". Their roles and memberships, which only grant access, go."""
    names = sorted({str(user), user.email, user.get_full_name()} - {""}, key=len, reverse=True)
    for event in Event.objects.only("pk", "actor_id", "actor_label", "object_label", "changes"):
        changes = json.loads(_scrub(json.dumps(event.changes, ensure_ascii=False), names))
        label = _scrub(event.object_label, names)
        actor_label = ERASED_LABEL if event.actor_id == user.pk else event.actor_label
        if (changes, label, actor_label) != (event.changes, event.object_label, event.actor_label):
            Event.objects.filter(pk=event.pk).update(
                changes=changes, object_label=label, actor_label=actor_label
            )
    LoginAttempt.objects.filter(models.Q(user=user) | models.Q(email=user.email)).delete()
    for model in access_grant_models():
        model._default_manager.filter(user=user).delete()
    user.email = f"utilisateur-supprime-{user.pk}@stspd.invalid"
    user.first_name = "utilisateur"
    user.last_name = "supprimé"
    user.job_title = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.erased_at = timezone.now()
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    record(by, "erased", user, label=ERASED_LABEL)
