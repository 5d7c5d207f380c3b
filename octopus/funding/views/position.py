"""The funding position of a programme (managers: staff and the finance officer), with charts and exports.

STUB: to be built."""

from django.http import HttpResponse
from django.urls import path

from octopus.accounts.permissions import permission_required


@permission_required("funding.view_position")
def funding_position(request):
    return HttpResponse("")


urlpatterns = [
    path("workspace/funding/", funding_position, name="funding_position"),
]
