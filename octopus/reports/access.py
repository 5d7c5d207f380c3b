"""Who sees what a programme publishes (its summary, its IATI file): anyone, once its publication is public; before
that, only those who read the programme in the workspace. Anyone else gets a 404, as if it did not exist."""

from django.http import Http404
from django.utils.translation import gettext as _

from octopus.results.models import Programme


def published_programme(user, code: str) -> Programme:
    programme = Programme.objects.filter(code=code).select_related("publication").first()
    if programme is not None:
        publication = getattr(programme, "publication", None)
        if publication is not None and publication.public:
            return programme
        if user.has_perm("results.view_programmes") and user.has_perm("results.view_programme", programme):
            return programme
    raise Http404(_("No published programme “%(code)s”.") % {"code": code})
