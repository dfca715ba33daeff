"""The weighting of a survey, run as a background task (stspd/jobs): all or nothing.

The form is checked at once (the method, the logit bounds); the calibration, which reads every
answer, runs in the task. A calibration that cannot be done stores nothing and its French message
(naming the margin and the category) is shown on the job's page. Each run is a new weighting
(the latest is the one shown): the job is claimed once, so a task run twice weights once.
"""

from django.urls import reverse
from django_tasks import task

from crimestats.french import number
from crimestats.survey.calibration import CalibrationError
from crimestats.survey.design import DesignError
from stspd.accounts.models import User
from stspd.jobs.models import Job, JobKind
from stspd.jobs.runner import JobFailed, Outcome, Progress, pending, run, start

from . import workflow
from .models import Survey


def subject(survey: Survey) -> str:
    return f"survey:{survey.pk}"


def pending_weighting(survey: Survey) -> Job | None:
    return pending(JobKind.SURVEY_WEIGHTING, subject(survey))


def start_weighting(
    survey: Survey, *, method: str, bounds: tuple[float, float] | None, by: User
) -> Job:
    return start(
        weighting_task,
        kind=JobKind.SURVEY_WEIGHTING,
        subject=subject(survey),
        council=survey.council,
        by=by,
        label=f"Pondération de « {survey} »",
        total=1,
        back_url=reverse("surveys:weighting", args=[survey.pk]),
        survey_id=survey.pk,
        method=method,
        bounds=list(bounds) if bounds else None,
        user_id=by.pk,
    )


@task()
def weighting_task(
    job_id: int, *, survey_id: int, method: str, bounds: list[float] | None, user_id: int
) -> str:
    def work(job: Job, progress: Progress) -> Outcome:
        survey = Survey.objects.select_related("council").filter(pk=survey_id).first()
        if survey is None:
            raise JobFailed("Cette enquête a été supprimée : rien n'est enregistré.")
        progress(0, 1, "Calage des réponses sur les marges…")
        try:
            weighting = workflow.run_weighting(
                survey,
                method=method,
                bounds=(bounds[0], bounds[1]) if bounds else None,
                by=User.objects.filter(pk=user_id).first(),
            )
        except (CalibrationError, DesignError, workflow.SurveyRefused) as error:
            raise JobFailed(f"Pondération impossible, rien n'est enregistré : {error}") from error
        return Outcome(
            f"Les {number(weighting.responses)} réponses sont pondérées. "
            f"{weighting.get_method_display()} ; {number(weighting.iterations)} "
            f"itération{'s' if weighting.iterations > 1 else ''}.",
            reverse("surveys:results", args=[survey.pk]),
            "Voir les résultats pondérés",
        )

    return run(job_id, work)
