from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "octopus.people"
    verbose_name = _("People")

    def ready(self):
        # Registers this app's rules (django-rules only autodiscovers modules named rules.py).
        from octopus.people import permissions  # noqa: F401
