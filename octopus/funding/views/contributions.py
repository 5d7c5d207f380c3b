"""Donors, contributions from pledge to receipt, earmarks, reporting obligations and exchange rates
(the finance officer writes; staff read).

STUB: to be built."""

from django.http import HttpResponse
from django.urls import path

from octopus.accounts.permissions import permission_required


@permission_required("funding.view_contributions")
def contributions(request):
    return HttpResponse("")


@permission_required("funding.view_position")
def donors(request):
    return HttpResponse("")


@permission_required("funding.view_position")
def exchange_rates(request):
    return HttpResponse("")


urlpatterns = [
    path("workspace/funding/contributions/", contributions, name="contributions"),
    path("workspace/funding/donors/", donors, name="donors"),
    path("workspace/funding/rates/", exchange_rates, name="exchange_rates"),
]
