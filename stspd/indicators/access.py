"""The only way views reach an entry of the indicator library.

Any role of a council reads its library (the shared entries and its own); its coordinator edits
its own entries. Shared entries are kept by the platform (sync_library) and edited by nobody
here; another council's entry does not exist for the user (404). The helper returns an `Access`
(the entry and the person's role in the council).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from stspd.accounts.models import User
from stspd.councils.access import Access, access_council

from .models import IndicatorDefinition


def access_definition(
    user: User, definition_id: int, *, edit: bool = False
) -> Access[IndicatorDefinition]:
    definition = get_object_or_404(
        IndicatorDefinition.objects.select_related("council"), pk=definition_id
    )
    if definition.council_id is None:
        if edit:
            raise PermissionDenied(
                "Les indicateurs de la bibliothèque commune ne se modifient pas : ajoutez un "
                "indicateur propre au conseil."
            )
        raise Http404
    council = access_council(user, definition.council_id, edit=edit)
    definition.council = council.obj
    return Access(definition, council.role)
