from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "octopus.funding"
    verbose_name = _("Funding")

    def ready(self):
        # Registers this app's metrics and rules.
        from octopus.funding import metrics, permissions  # noqa: F401
