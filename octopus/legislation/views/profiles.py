"""Keeping profiles in the workspace: the countries' profiles, a country's profile with its drafts, recording an
assessment of an article or a law (a focal point: its own country, as a draft), and the review queue of staff.

STUB: to be built."""

from django.http import HttpResponse
from django.urls import path

from octopus.accounts.permissions import permission_required


@permission_required("legislation.view_workspace")
def legislation_workspace(request):
    return HttpResponse("")


@permission_required("legislation.review_profiles")
def legislation_review(request):
    return HttpResponse("")


urlpatterns = [
    path("workspace/legislation/", legislation_workspace, name="legislation_workspace"),
    path("workspace/legislation/review/", legislation_review, name="legislation_review"),
]
