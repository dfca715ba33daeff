from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render

from stspd.accounts.current import current_user

from .access import access_job
from .runner import expire_if_stale

# Seconds between two fetches of a job's state while it is queued or running (static/jobs/job.js).
REFRESH_SECONDS = 2


@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """A job's state and progress. While it runs, a static script fetches the page again and
    replaces its state region (no meta refresh: a page that reloads itself fails WCAG 2.2.1);
    without script, a link reloads it by hand."""
    job = expire_if_stale(access_job(current_user(request), job_id))
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    response = render(
        request,
        "jobs/detail.html",
        {
            "job": job,
            "council": job.council,
            "refresh": REFRESH_SECONDS,
        },
    )
    response["Cache-Control"] = "no-store"
    return response
