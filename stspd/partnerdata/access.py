"""The only way views reach partners' data.

Rules, stated once (built on `stspd.councils.access`):
- a person with no role in the council gets 404 for its sources, uploads and map;
- every role of the council (reader, partner, coordinator) reads the aggregated partners' data:
  the sources, the import reports and the hot-spot map. They hold counts, never persons;
- only the coordinator (or the site admin) creates a source, deposits a file, maps its columns
  and categories, imports it or deletes an import: others get 403.

Each helper returns an `Access` (the object and the person's role in the council).
"""

from django.shortcuts import get_object_or_404

from stspd.accounts.models import User
from stspd.councils.access import Access, access_council

from .models import LocalIndicator, Source, Upload


def access_source(user: User, source_id: int, *, edit: bool = False) -> Access[Source]:
    source = get_object_or_404(
        Source.objects.select_related("council", "organisation"), pk=source_id
    )
    council = access_council(user, source.council_id, edit=edit)
    source.council = council.obj
    return Access(source, council.role)


def access_upload(user: User, upload_id: int, *, edit: bool = False) -> Access[Upload]:
    upload = get_object_or_404(
        Upload.objects.select_related("source__organisation", "uploaded_by"), pk=upload_id
    )
    council = access_council(user, upload.source.council_id, edit=edit)
    upload.source.council = council.obj
    return Access(upload, council.role)


def access_indicator(
    user: User, indicator_id: int, *, edit: bool = False
) -> Access[LocalIndicator]:
    indicator = get_object_or_404(LocalIndicator.objects.select_related("council"), pk=indicator_id)
    council = access_council(user, indicator.council_id, edit=edit)
    indicator.council = council.obj
    return Access(indicator, council.role)
