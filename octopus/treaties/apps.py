from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TreatiesConfig(AppConfig):
    name = "octopus.treaties"
    verbose_name = _("Treaties")

    def ready(self):
        # Registers this app's rules (django-rules only autodiscovers modules named rules.py) and metrics.
        from octopus.treaties import metrics, permissions  # noqa: F401
