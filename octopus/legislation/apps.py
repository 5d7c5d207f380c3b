from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegislationConfig(AppConfig):
    name = "octopus.legislation"
    verbose_name = _("Legislation")

    def ready(self):
        # Registers this app's metrics.
        from octopus.legislation import metrics, permissions  # noqa: F401
