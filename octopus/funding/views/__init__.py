"""Funding pages, by area; each module holds its views and its `urlpatterns`."""
