from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """What the programme publishes from its records: reports, the IATI activity file, the public project summary.
    It sits above every domain app, whose figures it reads, and below the sample data and the site."""

    name = "octopus.reports"
    verbose_name = _("Reports")
