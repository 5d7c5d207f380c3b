from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The whole site: commands that compose every app (loading the reference data, the benchmark, backup and
    restore). It sits at the top of the dependency order (DESIGN.md §3): nothing imports it."""

    name = "octopus.site"
    label = "octopus_site"
    verbose_name = _("Site")
