from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render

from stspd.accounts.current import current_user

from .access import access_job

# Seconds between two reloads of a job's page while it is queued or running.
REFRESH_SECONDS = 2


@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """A job's state and progress. While it runs the page reloads itself (a meta refresh, no
    script: the CSP forbids inline scripts) and offers a link to reload by hand."""
    job = access_job(current_user(request), job_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    response = render(
        request,
        "jobs/detail.html",
        {
            "job": job,
            "council": job.council,
            "refresh": None if job.is_finished else REFRESH_SECONDS,
        },
    )
    response["Cache-Control"] = "no-store"
    return response
