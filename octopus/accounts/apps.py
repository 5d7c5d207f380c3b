from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "octopus.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Registers this app's rules (django-rules only autodiscovers modules named rules.py) and its system checks.
        from octopus.accounts import checks, permissions  # noqa: F401
