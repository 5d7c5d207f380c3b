"""Funding pages, by area; each module holds its views and its `urlpatterns`."""

from django.http import Http404
from django.utils.translation import gettext as _

from octopus.results.models import Programme

DEFAULT_PROGRAMME = "cybercrime-octopus"


def chosen_programme(request) -> tuple[Programme | None, list[Programme]]:
    """The programme `programme` names (in the query, or in a posted form), and every programme for the picker. By
    default the seed programme, else the first; None when there is none. An unknown code is a 404."""
    programmes = list(Programme.objects.order_by("starts_on", "code"))
    code = (request.POST.get("programme") or request.GET.get("programme") or "").strip()
    if code:
        for programme in programmes:
            if programme.code == code:
                return programme, programmes
        raise Http404(_("No such programme."))
    default = next((p for p in programmes if p.code == DEFAULT_PROGRAMME), programmes[0] if programmes else None)
    return default, programmes
