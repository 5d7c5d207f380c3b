"""Legislation pages, by area: public profiles, keeping them, advice, statistics, imports, per-country activity."""

from octopus.legislation.views import advice, countries, imports, profiles, public, statistics

urlpatterns = [
    *public.urlpatterns,
    *profiles.urlpatterns,
    *advice.urlpatterns,
    *statistics.urlpatterns,
    *imports.urlpatterns,
    *countries.urlpatterns,
]
