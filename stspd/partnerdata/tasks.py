"""The partner file's import, run as a background task (stspd/jobs): all rows or none.

The import is started from the preview (`start_import`); the task checks every row, then writes
them in one transaction. A refused import stores nothing and its rows at fault (line, column)
are shown on the job's page. Run again (a worker restarted, the button pressed twice), it does
not import twice: the job is claimed once, an upload is imported once, and an upload already
imported is reported as such.
"""

import dataclasses

from django.urls import reverse
from django_tasks import task

from stspd.accounts.models import User
from stspd.jobs.models import Job, JobKind
from stspd.jobs.runner import JobFailed, Outcome, Progress, pending, run, start

from . import workflow
from .models import Upload


def subject(upload: Upload) -> str:
    return f"upload:{upload.pk}"


def pending_import(upload: Upload) -> Job | None:
    """The upload's import, queued or running."""
    return pending(JobKind.PARTNER_IMPORT, subject(upload))


def start_import(upload: Upload, *, by: User) -> Job:
    return start(
        import_upload_task,
        kind=JobKind.PARTNER_IMPORT,
        subject=subject(upload),
        council=upload.source.council,
        by=by,
        label=f"Import de « {upload.file_name} »",
        total=upload.rows_total,
        back_url=reverse("partnerdata:upload_preview", args=[upload.pk]),
        upload_id=upload.pk,
        user_id=by.pk,
    )


@task()
def import_upload_task(job_id: int, *, upload_id: int, user_id: int) -> str:
    def work(job: Job, progress: Progress) -> Outcome:
        upload = Upload.objects.select_related("source__council").filter(pk=upload_id).first()
        if upload is None:
            raise JobFailed("Ce dépôt a été supprimé avant son import : rien n'a été importé.")
        report = reverse("partnerdata:upload", args=[upload.pk])
        if upload.is_imported:
            return Outcome(
                f"Ce dépôt était déjà importé : {upload.rows_imported} lignes, "
                f"{upload.facts_total} faits.",
                report,
                "Voir le rapport d'import",
            )
        by = User.objects.get(pk=user_id)
        progress(0, upload.rows_total, f"Vérification des {upload.rows_total} lignes…")
        try:
            workflow.import_upload(
                upload,
                by=by,
                on_checked=lambda n: progress(n, message=f"{n} lignes vérifiées, écriture…"),
            )
        except workflow.ImportRefused as refused:
            rows = refused.validation.errors if refused.validation is not None else []
            raise JobFailed(
                f"{refused} Rien n'a été importé.", [dataclasses.asdict(row) for row in rows]
            ) from refused
        return Outcome(
            f"Import terminé : {upload.rows_imported} lignes, {upload.facts_total} faits.",
            report,
            "Voir le rapport d'import",
        )

    return run(job_id, work)
