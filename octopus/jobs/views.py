"""The one page of a job: its status, a progress bar, its message, and the button that runs it again."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from octopus.accounts.permissions import permission_required
from octopus.jobs import runner
from octopus.lib.errors import DomainError


@require_GET
@permission_required("accounts.use_workspace")
def job_page(request, pk):
    """How far a job has got; the page reloads itself until the job is finished."""
    job, kind = runner.readable(request.user, pk)
    context = {"job": job, "kind": kind, "summary": kind.summary(job), "links": kind.links(job)}
    return render(request, "jobs/job.html", context)


@require_POST
@permission_required("accounts.use_workspace")
def job_rerun(request, pk):
    job, _kind = runner.readable(request.user, pk)
    try:
        new = runner.rerun(job, user=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("jobs:job", pk=job.pk)
    return redirect("jobs:job", pk=new.pk)


@require_POST
@permission_required("accounts.use_workspace")
def job_cancel(request, pk):
    job, _kind = runner.readable(request.user, pk)
    runner.cancel(job)
    return redirect("jobs:job", pk=job.pk)


urlpatterns = [
    path("workspace/jobs/<int:pk>/", job_page, name="job"),
    path("workspace/jobs/<int:pk>/rerun/", job_rerun, name="job_rerun"),
    path("workspace/jobs/<int:pk>/cancel/", job_cancel, name="job_cancel"),
]
