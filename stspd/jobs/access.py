"""The only way views reach a job.

A job's page is the person's who started it and their council's coordinator's: anyone else
(another member of the council, the site admin, an outsider) gets 404, as for something that
does not exist for them.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from stspd.accounts.models import User
from stspd.councils.access import role_in
from stspd.councils.enums import Role

from .models import Job


def access_job(user: User, job_id: int) -> Job:
    job = get_object_or_404(Job.objects.select_related("council", "started_by"), pk=job_id)
    if not user.is_authenticated:
        raise Http404
    if job.started_by_id == user.pk and job.started_by_id is not None:
        if role_in(user, job.council) is not None:
            return job
        raise Http404
    if role_in(user, job.council) == Role.COORDINATOR:
        return job
    raise Http404
