"""Country statistics in the workspace: the figures per country and year, and entering them from a published source
(staff) or for one's own country (a focal point).

STUB: to be built."""

from django.http import HttpResponse
from django.urls import path

from octopus.accounts.permissions import permission_required


@permission_required("legislation.view_workspace")
def statistics_list(request):
    return HttpResponse("")


urlpatterns = [
    path("workspace/legislation/statistics/", statistics_list, name="statistics_list"),
]
