"""The one page of a job: its status, a progress bar, its message, and the button that runs it again."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from octopus.accounts.permissions import permission_required
from octopus.jobs import registry, runner
from octopus.jobs.models import Job
from octopus.lib.errors import DomainError


def readable_job(request, pk: int) -> tuple[Job, registry.Kind]:
    """The job, reaped first; 404 when there is none, 403 when the kind's permission does not let `user` read it."""
    try:
        job = runner.read(pk)
        kind = registry.get(job.kind)
    except (Job.DoesNotExist, LookupError):
        raise Http404
    if not kind.may_read(request.user, job):
        raise PermissionDenied
    return job, kind


@require_GET
@permission_required("accounts.use_workspace")
def job_page(request, pk):
    """How far a job has got; the page reloads itself until the job is finished."""
    job, kind = readable_job(request, pk)
    context = {"job": job, "kind": kind, "summary": kind.summary(job), "links": kind.links(job)}
    return render(request, "jobs/job.html", context)


@require_POST
@permission_required("accounts.use_workspace")
def job_rerun(request, pk):
    job, _kind = readable_job(request, pk)
    try:
        new = runner.rerun(job, user=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("jobs:job", pk=job.pk)
    return redirect("jobs:job", pk=new.pk)


@require_POST
@permission_required("accounts.use_workspace")
def job_cancel(request, pk):
    job, _kind = readable_job(request, pk)
    runner.cancel(job)
    return redirect("jobs:job", pk=job.pk)


urlpatterns = [
    path("workspace/jobs/<int:pk>/", job_page, name="job"),
    path("workspace/jobs/<int:pk>/rerun/", job_rerun, name="job_rerun"),
    path("workspace/jobs/<int:pk>/cancel/", job_cancel, name="job_cancel"),
]
