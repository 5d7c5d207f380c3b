"""Questionnaire pages (to be built)."""

urlpatterns = []
