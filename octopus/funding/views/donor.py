"""A donor's own page: its contributions, what they financed with its results, and its reporting calendar.

STUB: to be built."""

from django.http import HttpResponse
from django.urls import path

from octopus.accounts.permissions import permission_required


@permission_required("funding.view_contributions")
def donor_portal(request):
    return HttpResponse("")


urlpatterns = [
    path("workspace/funding/my-contributions/", donor_portal, name="donor_portal"),
]
