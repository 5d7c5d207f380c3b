"""Questionnaire pages: building, following and compiling (staff), answering (focal points), under
/workspace/questionnaires/ and /workspace/responses/. The URL names `questionnaire`, `questionnaire_compilation`
and `response` are what other apps link to."""

from django.urls import path

from octopus.surveys.views import questionnaires as q
from octopus.surveys.views import responses as r

urlpatterns = [
    path("workspace/questionnaires/", q.questionnaire_list, name="questionnaires"),
    path("workspace/questionnaires/new/", q.questionnaire_create, name="questionnaire_create"),
    path("workspace/questionnaires/<int:pk>/", q.questionnaire_detail, name="questionnaire"),
    path("workspace/questionnaires/<int:pk>/sections/", q.section_add, name="questionnaire_section_add"),
    path("workspace/questionnaires/<int:pk>/questions/", q.question_add, name="questionnaire_question_add"),
    path("workspace/questionnaires/<int:pk>/open/", q.questionnaire_open, name="questionnaire_open"),
    path("workspace/questionnaires/<int:pk>/close/", q.questionnaire_close, name="questionnaire_close"),
    path("workspace/questionnaires/<int:pk>/progress/", q.questionnaire_progress, name="questionnaire_progress"),
    path(
        "workspace/questionnaires/<int:pk>/compilation/", q.questionnaire_compilation, name="questionnaire_compilation"
    ),
    path(
        "workspace/questionnaires/<int:pk>/compilation.<str:fmt>",
        q.compilation_export,
        name="questionnaire_compilation_export",
    ),
    path("workspace/responses/", r.response_list, name="responses"),
    path("workspace/responses/<int:pk>/", r.response_detail, name="response"),
    path("workspace/responses/<int:pk>/autosave/", r.response_autosave, name="response_autosave"),
    path("workspace/responses/<int:pk>/reopen/", q.response_reopen, name="response_reopen"),
    path("workspace/responses/<int:pk>/files/<slug:code>/", r.response_file, name="response_file"),
]
