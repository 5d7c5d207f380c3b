"""The public project summary of each programme (`/programmes/<code>/`) and the list of public programmes.

A programme is on the public site once its publication is public; until then its summary is a 404 to the public,
and those who may read the programme in the workspace see it with a banner saying it is not public."""

from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from octopus.lib.dates import as_at, render_as_at
from octopus.reports.summary import project_summary
from octopus.results.models import Programme


def readable_summary(user, code: str) -> Programme:
    """The programme `code` if its summary is public, or if `user` may read the programme in the workspace; 404
    otherwise, the same as for one that does not exist."""
    programme = Programme.objects.select_related("publication").filter(code=code).first()
    if programme is None:
        raise Http404(_("No programme “%(code)s”.") % {"code": code})
    publication = getattr(programme, "publication", None)
    if publication is not None and publication.public:
        return programme
    if user is not None and user.has_perm("results.view_programme", programme):
        return programme
    raise Http404(_("No programme “%(code)s”.") % {"code": code})


# Public: the programmes their staff have published.
@require_GET
def programme_list(request):
    programmes = Programme.objects.filter(publication__public=True).select_related("publication")
    return render(request, "reports/programme_list.html", {"programmes": programmes})


# Public for a published programme; otherwise only to those who read it in the workspace (`readable_summary`).
@require_GET
def programme_summary(request, code: str):
    programme = readable_summary(request.user, code)
    at, error = as_at(request)
    summary = project_summary(programme, at=at)
    return render_as_at(request, "reports/summary.html", {"summary": summary, "at": at}, error)


urlpatterns = [
    path("programmes/", programme_list, name="programme_list"),
    path("programmes/<slug:code>/", programme_summary, name="programme_summary"),
]
