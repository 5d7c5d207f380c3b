from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "octopus.committees"
    verbose_name = _("Committees")

    def ready(self):
        # Registers this app's rules (django-rules only autodiscovers modules named rules.py) and metrics.
        from octopus.committees import metrics, permissions  # noqa: F401
