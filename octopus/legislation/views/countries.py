"""Per country, everything the programme did there (staff): treaty status, events hosted and attended, advice,
compliance over time, T-CY participation.

STUB: to be built."""

from django.http import HttpResponse
from django.urls import path

from octopus.accounts.permissions import permission_required


@permission_required("legislation.view_country_activity")
def country_activity(request, iso2):
    return HttpResponse("")


urlpatterns = [
    path("workspace/countries/<str:iso2>/", country_activity, name="country_activity"),
]
