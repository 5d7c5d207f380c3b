from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "octopus.results"
    verbose_name = _("Results")

    def ready(self):
        # Registers this app's rules (django-rules only autodiscovers modules named rules.py).
        from octopus.results import permissions  # noqa: F401

        # Freezing a snapshot from a page runs as a job of the one job engine.
        from octopus.results.jobs import register_kind

        register_kind()
