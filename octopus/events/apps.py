from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "octopus.events"
    verbose_name = _("Events")

    def ready(self):
        # Registers this app's rules (django-rules only autodiscovers modules named rules.py) and metrics.
        from octopus.events import metrics, permissions  # noqa: F401
        from octopus.events.services import forget_answers, reconcile_merge
        from octopus.people.services import ANONYMISE_HOOKS, MERGE_HOOKS

        # People sit below events: they learn of registrations only through these hooks.
        if reconcile_merge not in MERGE_HOOKS:
            MERGE_HOOKS.append(reconcile_merge)
        if forget_answers not in ANONYMISE_HOOKS:
            ANONYMISE_HOOKS.append(forget_answers)
