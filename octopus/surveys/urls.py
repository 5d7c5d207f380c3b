"""Questionnaire pages: building, answering, following and compiling."""

from octopus.surveys.views import urlpatterns  # noqa: F401
