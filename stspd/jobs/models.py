"""A long piece of work run as a background task, as the person who started it follows it.

The task itself is django-tasks' (its backend stores or runs it); a `Job` is what the person
sees: what was asked, its state, how far it got, and where its result is.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from stspd.councils.models import Council


class JobState(models.TextChoices):
    QUEUED = "queued", "En attente"
    RUNNING = "running", "En cours"
    DONE = "done", "Terminé"
    FAILED = "failed", "Échoué"


class JobKind(models.TextChoices):
    PARTNER_IMPORT = "partner_import", "Import d'un fichier partenaire"
    SURVEY_WEIGHTING = "survey_weighting", "Pondération d'une enquête"


FINISHED = (JobState.DONE, JobState.FAILED)


class Job(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="jobs")
    # Kept when the account is erased: the council's coordinator still reads the job.
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=JobKind.choices)
    label = models.CharField(max_length=300)
    # The object the work is about, to find a job already queued for it (no second import).
    subject = models.CharField(max_length=100)
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    # Rows refused (line, column, value, expected), shown on the job's page.
    errors = models.JSONField(default=list, blank=True)
    result_url = models.CharField(max_length=300, blank=True)
    result_label = models.CharField(max_length=200, blank=True)
    # Where to go back to after a failure (the preview, the form).
    back_url = models.CharField(max_length=300, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "travail en arrière-plan"
        verbose_name_plural = "travaux en arrière-plan"
        indexes = [models.Index(fields=["kind", "subject", "state"])]
        constraints = [
            # The same work is never queued or running twice (two simultaneous requests).
            models.UniqueConstraint(
                fields=["kind", "subject"],
                condition=models.Q(state__in=["queued", "running"]),
                name="jobs_one_pending_per_subject",
            )
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.state in FINISHED

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.state == JobState.DONE else 0
        return min(100, round(100 * self.done / self.total))
