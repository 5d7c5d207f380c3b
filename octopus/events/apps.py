from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "octopus.events"
    verbose_name = _("Events")

    def ready(self):
        # Registers this app's rules (django-rules only autodiscovers modules named rules.py) and metrics.
        from octopus.events import metrics, permissions  # noqa: F401
        from octopus.events.services import forget_answers, reconcile_merge
        from octopus.people.services import people_erasing, people_merging

        # People sit below events: they learn of registrations only through these hooks.
        people_merging.register(reconcile_merge)
        people_erasing.register(forget_answers)
        # The participant import runs as a job of the one job engine.
        from octopus.events.imports import register_kind

        register_kind()
