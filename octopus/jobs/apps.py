from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Background jobs of every app (imports, snapshots, reports): one model, one runner, one page. It knows no
    domain app; an app registers the kinds of job it runs."""

    name = "octopus.jobs"
    verbose_name = _("Background jobs")
