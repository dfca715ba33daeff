"""Write and read the event log. Every view or verb that changes data calls `record`."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.forms import ModelForm

from stspd.accounts.models import User

from .models import Event


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (list, tuple, set)) or (
        hasattr(value, "__iter__") and not isinstance(value, str)
    ):
        return ", ".join(sorted(str(v) for v in value))
    return str(value)


def form_changes(form: ModelForm[Any]) -> dict[str, list[str]]:
    """What a bound, valid form changes, as {field: [before, after]} in readable text."""
    changes = {}
    for name in form.changed_data:
        before = form.get_initial_for_field(form.fields[name], name)
        field = form.fields[name]
        if hasattr(field, "queryset") and before not in (None, ""):
            before = (
                field.queryset.filter(pk=before).first()
                if not isinstance(before, (list, tuple))
                else list(field.queryset.filter(pk__in=before))
            )
        changes[name] = [as_text(before), as_text(form.cleaned_data.get(name))]
    return changes


def record(
    actor: User | None,
    verb: str,
    obj: models.Model,
    *,
    council: Any = None,
    formation: Any = None,
    changes: dict[str, list[str]] | None = None,
    label: str | None = None,
) -> Event:
    """Append one event. `formation` marks events about a working group's content."""
    confidential = bool(formation is not None and formation.is_working_group)
    return Event.objects.create(
        actor=actor,
        actor_label=str(actor) if actor else "système",
        council=council,
        formation=formation if confidential else None,
        confidential=confidential,
        verb=verb,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_label=(label or str(obj))[:300],
        changes=changes or {},
    )
