from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "octopus.committees"
    verbose_name = _("Committees")

    def ready(self):
        # Registers this app's metrics.
        from octopus.committees import metrics  # noqa: F401
