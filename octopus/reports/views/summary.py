"""The public project summary of each programme (`/programmes/<code>/`) and the list of public programmes.

A programme is on the public site once its publication is public; until then its summary is a 404 to the public,
and those who may read the programme in the workspace see it with a banner saying it is not public."""

from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from octopus.lib.dates import as_at, render_as_at
from octopus.reports.access import published_programme
from octopus.reports.summary import project_summary
from octopus.results.models import Programme


# Public: the programmes their staff have published.
@require_GET
def programme_list(request):
    programmes = Programme.objects.filter(publication__public=True).select_related("publication")
    return render(request, "reports/programme_list.html", {"programmes": programmes})


# Public for a published programme; otherwise only to those who read it in the workspace (`reports.access`).
@require_GET
def programme_summary(request, code: str):
    programme = published_programme(request.user, code)
    at, error = as_at(request)
    summary = project_summary(programme, at=at)
    return render_as_at(request, "reports/summary.html", {"summary": summary, "at": at}, error)


urlpatterns = [
    path("programmes/", programme_list, name="programme_list"),
    path("programmes/<slug:code>/", programme_summary, name="programme_summary"),
]
