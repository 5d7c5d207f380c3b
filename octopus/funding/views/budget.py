"""Budgets by output, cost category and year, closed years, and expenditure
with the costs brought in from events and the committee.

STUB: to be built."""

from django.http import HttpResponse
from django.urls import path

from octopus.accounts.permissions import permission_required


@permission_required("funding.view_position")
def budget(request):
    return HttpResponse("")


@permission_required("funding.view_position")
def expenditure(request):
    return HttpResponse("")


urlpatterns = [
    path("workspace/funding/budget/", budget, name="budget"),
    path("workspace/funding/expenditure/", expenditure, name="expenditure"),
]
