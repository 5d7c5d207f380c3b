from django.contrib import admin

from octopus.accounts.admin import ReadOnlyAdmin
from octopus.surveys.models import Questionnaire, Response, ResponseRevision


# Questionnaires and responses change through their services, which lock, validate and audit every write; the
# admin only shows them.
@admin.register(Questionnaire)
class QuestionnaireAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "purpose", "status", "opens_on", "closes_on", "version"]
    list_filter = ["purpose", "status"]


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ["questionnaire", "country", "person", "state", "version", "submitted_at"]
    list_filter = ["state", "questionnaire"]
    list_select_related = ["questionnaire", "country", "person"]


@admin.register(ResponseRevision)
class ResponseRevisionAdmin(ReadOnlyAdmin):
    list_display = ["response", "number", "submitted_at"]
    list_select_related = ["response__questionnaire", "response__country", "response__person"]
