"""Write and read the event log. Every view or verb that changes data calls `record`."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.db import models
from django.utils import timezone

from stspd.core.cache import bump

from .models import Event

# Verbs that change no data: they leave the cached pages and summaries valid.
READ_ONLY_VERBS = frozenset({"read"})

if TYPE_CHECKING:
    from stspd.accounts.models import User


def as_text(field: forms.Field, value: Any) -> str:
    """A field's value as a person reads it: labels rather than codes, names rather than ids."""
    if value is None or value == "":
        return ""
    if isinstance(value, (list, tuple, models.QuerySet)):
        # A multiple choice (communes of an action): its items' texts, sorted, so that the same
        # set reads the same whatever the order it came in.
        return ", ".join(sorted(as_text(field, item) for item in value))
    if isinstance(field, forms.ModelChoiceField):
        if not isinstance(value, models.Model):
            value = field.queryset.filter(pk=value).first()  # type: ignore[union-attr]  # the stubs allow a queryset of None; every ModelChoiceField of a form has one
        return str(value or "")
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value))  # type: ignore[arg-type]  # the stubs type what choices accepts; a ChoiceField stores them as a list of pairs
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value):%d/%m/%Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def form_changes(form: forms.BaseForm) -> dict[str, list[str]]:
    """What a bound, valid form changes, as {field: [before, after]} in readable text."""
    changes = {}
    for name in form.changed_data:
        field = form.fields[name]
        before = as_text(field, form.get_initial_for_field(field, name))
        after = as_text(field, form.cleaned_data.get(name))
        if before != after:
            changes[name] = [before, after]
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
    """Append one event. `formation` marks events about a working group's content.

    A change also gets the data a new version, in the same transaction (stspd/core/cache.py)."""
    if verb not in READ_ONLY_VERBS:
        bump()
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
