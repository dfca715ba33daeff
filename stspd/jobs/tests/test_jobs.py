"""Long work as background tasks: a job's life, its page, who reads it, and the database
queue run by the worker (`stspd db_worker`), as in production."""

import logging
import signal
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from stspd.audit.models import Event
from stspd.jobs.models import Job, JobState
from stspd.jobs.runner import UNEXPECTED
from stspd.partnerdata import workflow
from stspd.partnerdata.models import Record, Upload
from stspd.partnerdata.tasks import import_upload_task, start_import
from stspd.partnerdata.tests.helpers import staged
from stspd.surveys.enums import Method
from stspd.surveys.models import WeightingRun
from stspd.surveys.tests.helpers import answered_survey, profile
from stspd.surveys.workflow import save_margin

from .helpers import finished_job

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
BAD_CSV = "Date;Nature;Commune;Nombre\n31/02/2026;Tapage;Rouen;1\n01/03/2026;Tapage;Rouen;1\n"


@pytest.fixture
def queue(settings: Any) -> None:
    """Tasks stored in the database until a worker runs them (TASKS_BACKEND=database)."""
    settings.TASKS = DATABASE


@pytest.fixture
def worker(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """worker() runs the production worker once, in this process: every queued task, then it
    exits (`db_worker --batch`). The worker sets its own signal handlers: put back after. It
    also closes the connection between tasks, which would close the test's transaction: kept
    open, as Django's test client keeps it across requests."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    # It sets its loggers' levels for the process (CRITICAL at verbosity 0): put back after.
    loggers = [logging.getLogger(name) for name in ("django_tasks", db_worker.logger.name)]
    levels = [each.level for each in loggers]

    def run() -> None:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    yield run
    for sig, handler in saved.items():
        signal.signal(sig, handler)
    for each, level in zip(loggers, levels, strict=True):
        each.setLevel(level)


def test_an_import_waits_in_the_queue_then_the_worker_runs_it(world, login, queue, worker) -> None:  # type: ignore[no-untyped-def]
    upload = staged(world)
    client = login(world.coordinator)
    response = client.post(reverse("partnerdata:upload_preview", args=[upload.pk]))
    job = Job.objects.get()
    assert response["Location"] == f"/travaux/{job.pk}/"
    assert (job.state, job.done, job.total, job.started_by) == (
        JobState.QUEUED,
        0,
        3,
        world.coordinator,
    )
    assert DBTaskResult.objects.get().status == "READY"
    assert job.task_id == str(DBTaskResult.objects.get().id)
    assert not Record.objects.exists()
    page = client.get(job.get_absolute_url())
    text = page.content.decode()
    assert "En attente d&#x27;un processus de travail." in text
    # Followed by a static script (the CSP forbids inline ones), or reloaded by a link.
    assert 'id="travail" aria-live="polite" data-refresh="2" data-finished="false"' in text
    assert '<script src="/static/jobs/job.js"></script>' in text
    assert f'<a href="/travaux/{job.pk}/">recharger</a>' in text
    assert "<script>" not in text and "http-equiv" not in text
    assert page["Cache-Control"] == "no-store"
    # The preview says an import is under way.
    preview = client.get(reverse("partnerdata:upload_preview", args=[upload.pk])).content.decode()
    assert f'href="/travaux/{job.pk}/">suivre son avancement' in preview
    # Pressing the button again does not queue a second import.
    client.post(reverse("partnerdata:upload_preview", args=[upload.pk]))
    assert (Job.objects.count(), DBTaskResult.objects.count()) == (1, 1)

    worker()

    job.refresh_from_db()
    assert (job.state, job.done, job.total) == (JobState.DONE, 3, 3)
    assert job.started_at is not None and job.finished_at is not None
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    upload.refresh_from_db()
    assert upload.is_imported and upload.facts_total == 6
    assert Record.objects.filter(upload=upload).count() == 3
    text = client.get(job.get_absolute_url()).content.decode()
    assert "Import terminé : 3 lignes, 6 faits." in text
    assert f'href="/donnees-partenaires/depots/{upload.pk}/">Voir le rapport d&#x27;import' in text
    assert 'data-finished="true"' in text and "jobs/job.js" not in text


def test_a_task_run_twice_imports_once(world, queue, worker) -> None:  # type: ignore[no-untyped-def]
    """A worker restarted mid-way, a task enqueued again: the job is claimed once and the
    upload imported once."""
    upload = staged(world)
    job = start_import(upload, by=world.coordinator)
    import_upload_task.enqueue(job.pk, upload_id=upload.pk, user_id=world.coordinator.pk)
    worker()
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2
    assert Record.objects.count() == 3
    assert Event.objects.filter(verb="imported").count() == 1
    # A new job for the same, imported upload reports it and imports nothing.
    again = Job.objects.create(
        council=world.council,
        started_by=world.coordinator,
        kind=job.kind,
        subject="again",
        label=job.label,
    )
    import_upload_task.enqueue(again.pk, upload_id=upload.pk, user_id=world.coordinator.pk)
    worker()
    again.refresh_from_db()
    assert again.state == JobState.DONE and "déjà importé" in again.message
    assert Record.objects.count() == 3


def test_a_refused_import_in_the_worker_stores_nothing_and_names_the_rows(
    world, login, queue, worker
) -> None:  # type: ignore[no-untyped-def]
    upload = staged(world, BAD_CSV.encode())
    client = login(world.coordinator)
    client.post(reverse("partnerdata:upload_preview", args=[upload.pk]))
    worker()
    job = Job.objects.get()
    assert job.state == JobState.FAILED
    assert job.errors == [
        {"line": 2, "column": "Date", "value": "31/02/2026", "expected": job.errors[0]["expected"]}
    ]
    assert "date" in job.errors[0]["expected"].lower()
    assert not Record.objects.exists() and not Upload.objects.filter(state="imported").exists()
    assert not Event.objects.filter(verb="imported").exists()
    text = client.get(job.get_absolute_url()).content.decode()
    assert "Échoué : rien n'a été enregistré" in text
    assert "Import refusé : 1 erreur(s) à corriger dans le fichier." in text
    assert "<td>2</td><td>Date</td><td>« 31/02/2026 »</td>" in text
    assert f'href="/donnees-partenaires/depots/{upload.pk}/apercu/"' in text


def test_an_unexpected_error_fails_the_job_and_stores_nothing(
    world, login, monkeypatch, caplog
) -> None:  # type: ignore[no-untyped-def]
    """The import breaks after writing its records (its audit event fails): rolled back, the
    job says so; the worker's log has the traceback."""
    upload = staged(world)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(workflow, "record", broken)
    client = login(world.coordinator)
    with caplog.at_level(logging.ERROR, logger="django_tasks"):
        response = client.post(reverse("partnerdata:upload_preview", args=[upload.pk]), follow=True)
    job = Job.objects.get()
    assert job.state == JobState.FAILED and job.message == UNEXPECTED
    assert UNEXPECTED.replace("'", "&#x27;") in response.content.decode()
    upload.refresh_from_db()
    assert not upload.is_imported and not Record.objects.exists()
    # The traceback is for the log, not the page.
    assert "RuntimeError: disk full" in caplog.text
    assert "disk full" not in response.content.decode()


def test_a_weighting_runs_in_the_worker_and_links_to_the_results(
    world, login, queue, worker
) -> None:  # type: ignore[no-untyped-def]
    rows = [profile("F", "30-44", "centre")] * 40 + [profile("H", "30-44", "gare")] * 60
    survey = answered_survey(world, rows)
    sexe = survey.current_version().questions.get(code="sexe")
    save_margin(survey, sexe, {"F": 5000.0, "H": 5000.0}, by=world.coordinator)
    client = login(world.coordinator)
    response = client.post(reverse("surveys:weighting", args=[survey.pk]), {"method": "raking"})
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.state == JobState.QUEUED and not WeightingRun.objects.exists()
    form = client.get(reverse("surveys:weighting", args=[survey.pk])).content.decode()
    assert "Une pondération est déjà en cours" in form
    worker()
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.message
    run = WeightingRun.objects.get()
    assert (run.method, run.responses) == (Method.RAKING, 100)
    text = client.get(job.get_absolute_url()).content.decode()
    assert "Les 100 réponses sont pondérées" in text
    assert f'href="/enquetes/{survey.pk}/resultats/"' in text


def test_a_running_job_shows_its_progress(world, login) -> None:  # type: ignore[no-untyped-def]
    job = finished_job(
        world,
        state=JobState.RUNNING,
        done=250,
        total=1000,
        message="250 lignes vérifiées, écriture…",
        started_by=world.coordinator,
    )
    text = login(world.coordinator).get(job.get_absolute_url()).content.decode()
    assert "En cours" in text and "250 lignes vérifiées, écriture…" in text
    assert "Avancement : 250 sur 1000 (25 %)" in text
    assert '<progress id="avancement" max="1000" value="250">25 %</progress>' in text


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("site_admin", 200),  # who started it
        ("coordinator", 200),  # the council's coordinator
        ("reader", 404),
        ("partner", 404),
        ("outsider", 404),  # the coordinator of another council
        ("national_agent", 404),
    ],
)
def test_only_the_starter_and_the_coordinator_read_a_job(
    world, login, who: str, status: int
) -> None:  # type: ignore[no-untyped-def]
    job = finished_job(world)
    client = login(getattr(world, who))
    assert client.get(job.get_absolute_url()).status_code == status
    assert client.post(job.get_absolute_url()).status_code == (405 if status == 200 else 404)


def test_a_site_admin_reads_only_the_jobs_they_started(world, login) -> None:  # type: ignore[no-untyped-def]
    job = finished_job(world, started_by=world.coordinator)
    assert login(world.site_admin).get(job.get_absolute_url()).status_code == 404


def test_a_starter_who_left_the_council_no_longer_reads_the_job(world, login) -> None:  # type: ignore[no-untyped-def]
    job = finished_job(world, started_by=world.reader)
    assert login(world.reader).get(job.get_absolute_url()).status_code == 200
    world.council.roles.filter(user=world.reader).delete()
    assert login(world.reader).get(job.get_absolute_url()).status_code == 404


def test_a_job_whose_worker_was_killed_can_be_started_again(world, login, queue, worker) -> None:  # type: ignore[no-untyped-def]
    """Killed mid-way, the import's transaction is rolled back but its job was left running:
    past STSPD_JOB_STALE_MINUTES it is shown as interrupted and the import starts again."""
    import datetime

    from django.utils import timezone

    from stspd.jobs.runner import INTERRUPTED

    upload = staged(world)
    client = login(world.coordinator)
    client.post(reverse("partnerdata:upload_preview", args=[upload.pk]))
    job = Job.objects.get()
    # As the killed worker left it: claimed, its task taken, nothing imported.
    DBTaskResult.objects.update(status="RUNNING")
    Job.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, started_at=timezone.now() - datetime.timedelta(minutes=29)
    )
    client.post(reverse("partnerdata:upload_preview", args=[upload.pk]))
    assert Job.objects.count() == 1  # still running: not started twice
    Job.objects.filter(pk=job.pk).update(started_at=timezone.now() - datetime.timedelta(minutes=31))
    page = client.get(job.get_absolute_url()).content.decode()
    assert INTERRUPTED.replace("'", "&#x27;") in page
    response = client.post(reverse("partnerdata:upload_preview", args=[upload.pk]))
    again = Job.objects.latest("pk")
    assert again.pk != job.pk and response["Location"] == again.get_absolute_url()
    worker()
    again.refresh_from_db()
    assert again.state == JobState.DONE and Record.objects.count() == 3


def test_a_failed_enqueue_leaves_no_job(world) -> None:  # type: ignore[no-untyped-def]
    from stspd.jobs.runner import start

    class Broken:
        def enqueue(self, *args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("queue unavailable")

    with pytest.raises(RuntimeError):
        start(
            Broken(),
            kind="partner_import",
            subject="upload:1",
            council=world.council,
            by=world.coordinator,
            label="Import",
        )
    assert not Job.objects.exists()


def test_a_queued_job_whose_task_never_ran_expires_and_starts_again(world, queue) -> None:  # type: ignore[no-untyped-def]
    import datetime

    from django.utils import timezone

    from stspd.jobs.runner import NEVER_RAN, run

    upload = staged(world)
    job = start_import(upload, by=world.coordinator)
    DBTaskResult.objects.all().delete()  # the task row lost
    assert start_import(upload, by=world.coordinator).pk == job.pk  # not yet stale
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    again = start_import(upload, by=world.coordinator)
    job.refresh_from_db()
    assert again.pk != job.pk
    assert (job.state, job.message) == (JobState.FAILED, NEVER_RAN)
    # Its task found later never claims it.
    assert run(job.pk, lambda job, progress: pytest.fail("ran")) == JobState.FAILED


def test_an_expired_job_finishing_late_is_done_and_says_so(world) -> None:  # type: ignore[no-untyped-def]
    from stspd.jobs.runner import INTERRUPTED, LATE, Outcome, run

    job = Job.objects.create(
        council=world.council, started_by=world.coordinator, kind="x", subject="s", label="l"
    )

    def work(job: Job, progress: Any) -> Outcome:
        # Meanwhile, the job is expired as interrupted.
        Job.objects.filter(pk=job.pk).update(state=JobState.FAILED, message=INTERRUPTED)
        return Outcome("3 lignes importées.")

    assert run(job.pk, work) == JobState.DONE
    job.refresh_from_db()
    assert (job.state, job.message) == (JobState.DONE, LATE + "3 lignes importées.")


def test_finish_never_overwrites_another_outcome(world) -> None:  # type: ignore[no-untyped-def]
    from stspd.jobs.runner import finish

    job = Job.objects.create(
        council=world.council, started_by=world.coordinator, kind="x", subject="s", label="l"
    )
    Job.objects.filter(pk=job.pk).update(state=JobState.FAILED, message="Refusé.")
    finish(job.pk, state=JobState.DONE, message="Fini.")
    job.refresh_from_db()
    assert (job.state, job.message) == (JobState.FAILED, "Refusé.")


def test_two_simultaneous_starts_make_one_job(world, queue, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from django.db import IntegrityError, transaction

    from stspd.jobs import runner

    upload = staged(world)
    first = start_import(upload, by=world.coordinator)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Job.objects.create(
            council=first.council,
            started_by=first.started_by,
            kind=first.kind,
            subject=first.subject,
            label="bis",
        )
    # The second request checked before the first one's job was stored.
    real = runner.pending
    calls: list[str] = []

    def late(kind: str, subject: str) -> Job | None:
        calls.append(subject)
        return None if len(calls) == 1 else real(kind, subject)

    monkeypatch.setattr(runner, "pending", late)
    second = start_import(upload, by=world.coordinator)
    assert second.pk == first.pk and Job.objects.count() == 1
    assert len(calls) == 2  # the existing job found after the refused insert
