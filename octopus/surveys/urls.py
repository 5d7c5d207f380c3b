"""Questionnaire pages: building, answering, following and compiling."""

from octopus.surveys import views

app_name = "surveys"
urlpatterns = [*views.urlpatterns]
