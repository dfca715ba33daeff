"""Deleting an object from a page: what goes with it, the confirmation, and the event."""

from typing import Any

from django.contrib import messages
from django.contrib.admin.utils import NestedObjects
from django.db import models, router, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import capfirst

from stspd.accounts.models import User
from stspd.audit.events import record


def dependants(obj: models.Model) -> list[str]:
    """What deleting `obj` would delete with it, counted per kind, in French."""
    collector = NestedObjects(using=router.db_for_write(obj.__class__))
    collector.collect([obj])
    counts: dict[str, int] = {}
    model: type[models.Model]
    for model, instances in collector.model_objs.items():  # type: ignore[assignment]  # the stubs key model_objs by str; Django keys it by model class
        if model is obj.__class__:
            continue
        counts[str(capfirst(model._meta.verbose_name_plural))] = len(instances)
    return [f"{label} : {count}" for label, count in sorted(counts.items())]


def confirm_delete(
    request: HttpRequest,
    obj: models.Model,
    *,
    council: Any,
    formation: Any = None,
    cancel_url: str,
    done_url: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """GET shows what will be deleted with the object; POST deletes it and records the event."""
    if request.method == "POST":
        label = str(obj)
        user = request.user
        assert isinstance(user, User)
        with transaction.atomic():
            lost = dependants(obj)
            changes = {"supprimé avec": ["; ".join(lost), ""]} if lost else {}
            record(
                user,
                "deleted",
                obj,
                council=council,
                formation=formation,
                label=label,
                changes=changes,
            )
            obj.delete()
        messages.success(request, f"« {label} » a été supprimé.")
        return redirect(done_url)
    return render(
        request,
        "councils/confirm_delete.html",
        {
            "object": obj,
            "kind": obj._meta.verbose_name,
            "dependants": dependants(obj),
            "cancel_url": cancel_url,
            **(context or {}),
        },
    )
