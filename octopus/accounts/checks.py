"""System checks of the accounts' production setup (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, register
from django.core.checks import Warning as CheckWarning

# Cache backends whose entries live in one process only: a lockout counted there is not seen by the others.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.security, Tags.caches, deploy=True)
def check_login_lockout_is_shared(app_configs, **kwargs):
    """The login lockout counts failed sign-ins in the default cache: warn when each process has its own."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        CheckWarning(
            "The login lockout is per process: the default cache is each process's own memory, so every server "
            "process counts failed sign-ins on its own and an attacker gets as many tries as there are processes.",
            hint="Set REDIS_URL to a Redis server that every process of the site reaches.",
            id="octopus.accounts.W001",
        )
    ]
