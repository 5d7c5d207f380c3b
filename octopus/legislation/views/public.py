"""Public pages: the compliance heat map (countries × articles), a country's legislation profile as it stood on
any date, the per-article pages and the files of reviewed laws. Open to all; only reviewed statements are shown.

STUB: to be built."""

from django.http import HttpResponse
from django.urls import path


def legislation_map(request):
    return HttpResponse("")


urlpatterns = [
    path("legislation/", legislation_map, name="legislation_map"),
]
