from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegislationConfig(AppConfig):
    name = "octopus.legislation"
    verbose_name = _("Legislation")

    def ready(self):
        # Registers this app's metrics and rules, and records the figures of submitted statistics questionnaires.
        from octopus.legislation import metrics, permissions  # noqa: F401
        from octopus.legislation.services.statistics import record_submitted_figures
        from octopus.surveys.hooks import response_submitted

        response_submitted.register(record_submitted_figures)
        # The legislation import runs as a job of the one job engine.
        from octopus.legislation.jobs import register_kind

        register_kind()
