"""The public IATI files: a programme's activity file `/iati/<code>.xml`, and the organisation file
`/iati-organisation.xml`."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import path
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from octopus.lib.downloads import attachment
from octopus.reports.access import published_programme
from octopus.reports.iati import NotConfigured, activity_file, file_name, organisation_file

XML = "application/xml; charset=utf-8"


def not_configured(error: NotConfigured) -> HttpResponse:
    page = render_to_string("503.html", {"detail": str(error), "language": get_language() or "en"})
    return HttpResponse(page, status=503)


# Public for a published programme; otherwise only to those who read it in the workspace (`reports.access`).
@require_safe
def iati_activity(request, code: str):
    programme = published_programme(request.user, code)
    try:
        content = activity_file(programme)
    except NotConfigured as error:
        return not_configured(error)
    # Inline: registries and browsers read it at its stable address; the name serves whoever saves it.
    return attachment(content, name=file_name(programme), content_type=XML, sample=programme.is_sample, inline=True)


# Public: the organisation file names the reporting organisation and nothing else.
@require_safe
def iati_organisation(request):
    try:
        content = organisation_file()
    except NotConfigured as error:
        return not_configured(error)
    return attachment(content, name="iati-organisation.xml", content_type=XML, inline=True)


urlpatterns = [
    path("iati/<slug:code>.xml", iati_activity, name="iati_activity"),
    path("iati-organisation.xml", iati_organisation, name="iati_organisation"),
]
