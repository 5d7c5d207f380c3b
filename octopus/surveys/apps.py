from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "octopus.surveys"
    verbose_name = _("Surveys")

    def ready(self):
        # Registers this app's rules (django-rules only autodiscovers modules named rules.py).
        from octopus.surveys import permissions  # noqa: F401
