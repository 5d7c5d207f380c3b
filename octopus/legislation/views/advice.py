"""Legislative advice in the workspace: the list, recording advice, its page with recommendations, documents and
take-up.

STUB: to be built."""

from django.http import HttpResponse
from django.urls import path

from octopus.accounts.permissions import permission_required


@permission_required("legislation.view_workspace")
def advice_list(request):
    return HttpResponse("")


urlpatterns = [
    path("workspace/legislation/advice/", advice_list, name="advice_list"),
]
