from octopus.jobs.views import urlpatterns

__all__ = ["urlpatterns"]
