from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SampleConfig(AppConfig):
    """Sample data for looking around and data at scale for benchmarks. It composes every domain app, so it sits at
    the top of the dependency order (DESIGN.md §3): nothing imports it."""

    name = "octopus.sample"
    verbose_name = _("Sample data")
