from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "octopus.events"
    verbose_name = _("Events")

    def ready(self):
        # Registers this app's rules (django-rules only autodiscovers modules named rules.py) and metrics.
        from octopus.events import metrics, permissions  # noqa: F401
