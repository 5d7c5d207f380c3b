"""Importing profiles and statistics from XLSX: upload, preview with line-numbered errors, confirm, follow the job.

STUB: to be built."""

from django.http import HttpResponse
from django.urls import path

from octopus.accounts.permissions import permission_required


@permission_required("legislation.import")
def legislation_import(request):
    return HttpResponse("")


urlpatterns = [
    path("workspace/legislation/import/", legislation_import, name="legislation_import"),
]
