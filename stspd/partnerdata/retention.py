"""Retention of staged partner files: the cells of a file deposited but never imported are
deleted after STSPD_STAGED_UPLOAD_RETENTION_DAYS days (`stspd purge-uploads --apply`, from
cron). An imported file keeps no cell at all (`workflow.import_upload`).

Why? Because the staged cells are what is left of a partner's raw file: even without the
nominative columns, they are more than the aggregated facts the platform needs (RGPD art. 5.1.c
and e), and a file left half-mapped would otherwise stay for ever.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from stspd.audit.events import record

from .enums import UploadState
from .models import Upload


def retention_days() -> int:
    """The one reading of the setting: the purge and the personal-data page both use it."""
    return int(settings.STSPD_STAGED_UPLOAD_RETENTION_DAYS)


def retention_limit(now: datetime.datetime | None = None) -> datetime.datetime:
    """Staged uploads deposited before this moment have passed the retention period."""
    return (now or timezone.now()) - datetime.timedelta(days=retention_days())


def expired_uploads(now: datetime.datetime | None = None) -> QuerySet[Upload]:
    return (
        Upload.objects.filter(state=UploadState.STAGED, uploaded_at__lt=retention_limit(now))
        .select_related("source__council")
        .order_by("uploaded_at", "pk")
    )


@transaction.atomic
def purge_uploads(uploads: QuerySet[Upload]) -> int:
    """Delete each staged upload (cells, mapping, errors) and record it in its council's
    journal; the source and its saved mapping stay for the next file."""
    purged = 0
    days = retention_days()
    for upload in uploads.select_for_update(of=("self",)):
        record(
            None,
            "purged",
            upload,
            council=upload.source.council,
            changes={"dépôt non importé": [f"supprimé après {days} jours", ""]},
        )
        upload.delete()
        purged += 1
    return purged
