"""Starting a job and running its task: the only writes to a `Job`.

A room starts its work with `start(...)`, which records the job then enqueues the room's task
with the job's id. The task calls `run(job_id, work)`: the job is claimed (queued -> running) by a
conditional update, so a task run twice (a worker restarted, a task enqueued again) does the
work once; `work` reports its progress through `progress(...)` and returns an `Outcome`, or
raises `JobFailed` with the French message (and the rows refused) shown to the person.

Progress is written outside the work's own transaction (in autocommit): the work's writes stay
all or nothing, the job's page shows how far it got.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from stspd.accounts.models import User
from stspd.councils.models import Council

from .models import Job, JobState

logger = logging.getLogger(__name__)

UNEXPECTED = (
    "Le travail s'est arrêté sur une erreur inattendue, rien n'a été enregistré. "
    "L'erreur est consignée dans le journal du serveur ; vous pouvez relancer le travail."
)


@dataclass(frozen=True)
class Outcome:
    message: str
    result_url: str = ""
    result_label: str = ""


class JobFailed(Exception):
    """The work is refused: `message` (French) and the rows at fault are shown on the job's
    page; the work stored nothing."""

    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or []


@dataclass
class Progress:
    job_id: int
    total: int = 0

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:
        """Record how far the work got (a separate, committed write when outside a
        transaction)."""
        values: dict[str, Any] = {"done": done}
        if total is not None:
            values["total"] = self.total = total
        if message:
            values["message"] = message
        Job.objects.filter(pk=self.job_id).update(**values)


INTERRUPTED = (
    "Le travail s'est interrompu (le processus de travail a été arrêté) : rien n'a été "
    "enregistré. Vous pouvez le relancer."
)


NEVER_RAN = (
    "Le travail n'a jamais démarré (aucun processus de travail ne l'a pris en charge) : rien "
    "n'a été enregistré. Vous pouvez le relancer."
)
LATE = "Terminé en retard, après avoir été signalé interrompu : "


def expire_if_stale(job: Job) -> Job:
    """A job running for longer than any work takes (its worker was killed, the machine lost),
    or queued that long (its task never ran: lost, or never stored): failed, so that it can be
    started again. A running job's work transaction was rolled back; a queued job did nothing,
    and can no longer be claimed."""
    limit = timezone.now() - datetime.timedelta(minutes=settings.STSPD_JOB_STALE_MINUTES)
    if job.state == JobState.RUNNING and job.started_at is not None and job.started_at < limit:
        Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(
            state=JobState.FAILED, message=INTERRUPTED, finished_at=timezone.now()
        )
        job.refresh_from_db()
    elif job.state == JobState.QUEUED and job.created_at < limit:
        Job.objects.filter(pk=job.pk, state=JobState.QUEUED).update(
            state=JobState.FAILED, message=NEVER_RAN, finished_at=timezone.now()
        )
        job.refresh_from_db()
    return job


def pending(kind: str, subject: str) -> Job | None:
    """A job of this kind about this object, queued or running: not started again."""
    job = (
        Job.objects.filter(
            kind=kind, subject=subject, state__in=[JobState.QUEUED, JobState.RUNNING]
        )
        .order_by("-pk")
        .first()
    )
    if job is None or expire_if_stale(job).is_finished:
        return None
    return job


def start(
    task: Any,
    *,
    kind: str,
    subject: str,
    council: Council,
    by: User,
    label: str,
    total: int = 0,
    back_url: str = "",
    **kwargs: Any,
) -> Job:
    """Record the job and enqueue `task(job_id, **kwargs)`. The same work already queued or
    running is not started twice: its job is returned."""
    if (already := pending(kind, subject)) is not None:
        return already
    try:
        return _create_and_enqueue(
            task,
            Job(
                council=council,
                started_by=by,
                kind=kind,
                subject=subject,
                label=label,
                total=total,
                back_url=back_url,
                message="En attente d'un processus de travail.",
            ),
            kwargs,
        )
    except IntegrityError:
        # Another request started the same work meanwhile (one pending job per subject).
        if (already := pending(kind, subject)) is None:
            raise
        return already


def _create_and_enqueue(task: Any, job: Job, kwargs: dict[str, Any]) -> Job:
    # One transaction: a job whose task could not be enqueued is not left queued forever.
    with transaction.atomic():
        job.save(force_insert=True)
        # The immediate backend runs the task here; the database backend stores it in this
        # transaction, so the worker cannot see it before the job exists.
        result = task.enqueue(job.pk, **kwargs)
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def claim(job_id: int) -> bool:
    """Queued -> running, once: a second run of the same task finds nothing to claim."""
    return bool(
        Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
            state=JobState.RUNNING, started_at=timezone.now(), message="En cours."
        )
    )


def finish(job_id: int, **values: Any) -> None:
    """Running -> its outcome, by a conditional update: never over another outcome.

    A job expired as interrupted (`expire_if_stale`) whose work then completes after all has
    had its work committed: it is recorded done, its message saying it finished late, so the
    page tells what the data hold. Failing after expiry, nothing was stored: it stays failed
    as interrupted, which says so."""
    now = timezone.now()
    if Job.objects.filter(pk=job_id, state=JobState.RUNNING).update(finished_at=now, **values):
        return
    if values.get("state") == JobState.DONE:
        late = {**values, "message": LATE + values.get("message", "")}
        Job.objects.filter(pk=job_id, state=JobState.FAILED, message=INTERRUPTED).update(
            finished_at=now, **late
        )


def run(job_id: int, work: Callable[[Job, Progress], Outcome]) -> str:
    """Run the work of a claimed job and record its outcome. Returns the final state."""
    if not claim(job_id):
        logger.info("job %s already claimed: not run again", job_id)
        return Job.objects.filter(pk=job_id).values_list("state", flat=True).first() or ""
    job = Job.objects.get(pk=job_id)
    progress = Progress(job_id, total=job.total)
    try:
        outcome = work(job, progress)
    except JobFailed as failed:
        finish(job_id, state=JobState.FAILED, message=failed.message, errors=failed.errors)
        return JobState.FAILED
    except BaseException:
        # The work's transaction is rolled back; the job says so. django-tasks logs the
        # traceback (logger.exception, under both backends); the person sees none.
        finish(job_id, state=JobState.FAILED, message=UNEXPECTED)
        raise
    finish(
        job_id,
        state=JobState.DONE,
        done=progress.total or 1,
        total=progress.total or 1,
        message=outcome.message,
        result_url=outcome.result_url,
        result_label=outcome.result_label,
        errors=[],
    )
    return JobState.DONE
