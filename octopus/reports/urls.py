"""Reports pages, by output."""

from octopus.reports.views import iati, progress, summary

app_name = "reports"
urlpatterns: list = [*summary.urlpatterns, *iati.urlpatterns, *progress.urlpatterns]
