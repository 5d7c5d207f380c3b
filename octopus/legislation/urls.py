"""Legislation pages, by area: public profiles, keeping them, advice, statistics, imports, per-country activity, and
the effect of a programme's assistance on compliance."""

from octopus.legislation.views import advice, countries, effect, imports, profiles, public, statistics

app_name = "legislation"
urlpatterns = [
    *public.urlpatterns,
    *profiles.urlpatterns,
    *advice.urlpatterns,
    *statistics.urlpatterns,
    *imports.urlpatterns,
    *countries.urlpatterns,
    *effect.urlpatterns,
]
