"""Reports pages, by output."""

from octopus.reports.views import iati, summary

app_name = "reports"
urlpatterns: list = [*summary.urlpatterns, *iati.urlpatterns]
