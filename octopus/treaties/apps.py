from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TreatiesConfig(AppConfig):
    name = "octopus.treaties"
    verbose_name = _("Treaties")

    def ready(self):
        # Registers this app's rules (django-rules only autodiscovers modules named rules.py) and metrics.
        from octopus.treaties import metrics, permissions  # noqa: F401

        # The chart import runs as a job of the one job engine.
        from octopus.treaties.jobs import register_kind

        register_kind()
