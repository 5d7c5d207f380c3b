"""Staff pages of questionnaires: the list, building (sections and questions), opening and closing, choosing who
answers, following who has answered (and reopening a submission), and the compiled replies with their exports.
Every page needs `surveys.manage_questionnaires` (staff); every change goes through `octopus.surveys.services`."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from octopus.accounts.permissions import permission_required
from octopus.accounts.services import download_log
from octopus.lib.downloads import DOCX, attachment, table_download
from octopus.lib.errors import DomainError
from octopus.surveys import services
from octopus.surveys.exports import CompilationExport, answer_text, compilation_docx, holds_sample
from octopus.surveys.forms import (
    QuestionForm,
    QuestionnaireFilterForm,
    QuestionnaireForm,
    ReopenForm,
    RespondentsForm,
    SectionForm,
)
from octopus.surveys.models import Questionnaire, QuestionnaireStatus, QuestionType, ResponseState
from octopus.surveys.queries import (
    compiled,
    get_questionnaire_for_user,
    get_response_for_user,
    progress,
    questionnaires_with_counts,
)

MANAGE = "surveys.manage_questionnaires"
PAGE_SIZE = 50


def query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- the list ------------------------------------------------------------------------------------------------------


@require_GET
@permission_required(MANAGE)
def questionnaire_list(request):
    filters = QuestionnaireFilterForm(request.GET or None)
    questionnaires = questionnaires_with_counts(filters.filter(Questionnaire.objects.all()))
    page = Paginator(questionnaires.order_by("-created_at", "code"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "questionnaires": page.object_list,
        "filtered": any(value for key, value in request.GET.items() if key != "page"),
        "query": query_without_page(request),
    }
    return render(request, "surveys/questionnaires.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def questionnaire_create(request):
    form = QuestionnaireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            questionnaire = services.create_questionnaire(user=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Questionnaire created. Add its sections and questions, then open it."))
            return redirect("surveys:questionnaire", questionnaire.pk)
    context = {"form": form, "title": _("New questionnaire")}
    return render(request, "surveys/form.html", context, status=400 if form.errors else 200)


# --- overview and builder ----------------------------------------------------------------------------------------


def _builder(request, questionnaire, *, section_form=None, question_form=None, status=200):
    """The overview: sections with their questions, the state of the responses, and — while a draft — the forms
    that add a section or a question (bound, with their errors, after a refusal)."""
    sections = list(questionnaire.sections.prefetch_related("questions"))
    is_draft = questionnaire.status == QuestionnaireStatus.DRAFT
    if is_draft:
        section_form = section_form or SectionForm(prefix="section")
        initial = {"section": sections[-1].pk} if sections else {}
        question_form = question_form or QuestionForm(prefix="question", questionnaire=questionnaire, initial=initial)
    counts = (
        questionnaires_with_counts()
        .filter(pk=questionnaire.pk)
        .values(*(f"responses_{state}" for state in ResponseState.values), "responses_count")[0]
    )
    context = {
        "questionnaire": questionnaire,
        "sections": sections,
        "is_draft": is_draft,
        "section_form": section_form if is_draft else None,
        "question_form": question_form if is_draft else None,
        "counts": counts,
        "states": [(state, label, counts[f"responses_{state}"]) for state, label in ResponseState.choices],
        "QuestionType": QuestionType,
    }
    return render(request, "surveys/questionnaire.html", context, status=status)


@require_GET
@permission_required(MANAGE)
def questionnaire_detail(request, pk):
    return _builder(request, get_questionnaire_for_user(request.user, pk))


@require_POST
@permission_required(MANAGE)
def section_add(request, pk):
    questionnaire = get_questionnaire_for_user(request.user, pk)
    form = SectionForm(request.POST, prefix="section")
    if form.is_valid():
        try:
            section = services.add_section(questionnaire, user=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Section “%(title)s” added.") % {"title": section.title})
            return redirect("surveys:questionnaire", pk)
    return _builder(request, questionnaire, section_form=form, status=400)


@require_POST
@permission_required(MANAGE)
def question_add(request, pk):
    questionnaire = get_questionnaire_for_user(request.user, pk)
    form = QuestionForm(request.POST, prefix="question", questionnaire=questionnaire)
    if form.is_valid():
        try:
            question = services.add_question(form.cleaned_data["section"], user=request.user, **form.service_fields())
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Question “%(code)s” added.") % {"code": question.code})
            return redirect("surveys:questionnaire", pk)
    return _builder(request, questionnaire, question_form=form, status=400)


@require_POST
@permission_required(MANAGE)
def questionnaire_open(request, pk):
    questionnaire = get_questionnaire_for_user(request.user, pk)
    try:
        services.open_questionnaire(questionnaire, user=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Questionnaire open. Choose the countries that answer it under “Progress”."))
    return redirect("surveys:questionnaire", pk)


@require_POST
@permission_required(MANAGE)
def questionnaire_close(request, pk):
    questionnaire = get_questionnaire_for_user(request.user, pk)
    try:
        services.close_questionnaire(questionnaire, user=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Questionnaire closed: answers can no longer be changed."))
    return redirect("surveys:questionnaire", pk)


# --- who answers ---------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def questionnaire_progress(request, pk):
    """Who answers and how far they got; a POST asks more countries to answer (each gets its empty response)."""
    questionnaire = get_questionnaire_for_user(request.user, pk)
    form = RespondentsForm(request.POST or None, prefix="respondents")
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # all the countries or none
                for country in form.cleaned_data["countries"]:
                    services.start_response(questionnaire, country=country, user=request.user)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            names = ", ".join(country.name for country in form.cleaned_data["countries"])
            messages.success(request, _("Asked to answer: %(countries)s.") % {"countries": names})
            return redirect("surveys:questionnaire_progress", pk)
    state = progress(questionnaire)
    last_saved = dict(questionnaire.responses.annotate(last=Max("answers__updated_at")).values_list("pk", "last"))
    for response in state.responses:
        response.last_saved_at = last_saved.get(response.pk)
    context = {
        "questionnaire": questionnaire,
        "responses": state.responses,
        "counts": [(label, state.counts[value]) for value, label in ResponseState.choices],
        "form": form,
        "reopen_form": ReopenForm(),
    }
    return render(request, "surveys/progress.html", context, status=400 if form.errors else 200)


@require_POST
@permission_required("surveys.reopen_response")
def response_reopen(request, pk):
    response = get_response_for_user(request.user, pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the response is reopened: the respondent sees it."))
    else:
        try:
            services.reopen_response(response, user=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("%(respondent)s may correct its response again.") % {"respondent": response.respondent}
            )
    return redirect("surveys:questionnaire_progress", response.questionnaire_id)


# --- compilation -------------------------------------------------------------------------------------------------


@require_GET
@permission_required(MANAGE)
def questionnaire_compilation(request, pk):
    """Replies side by side, by question (each question, every respondent's answer) or by respondent."""
    questionnaire = get_questionnaire_for_user(request.user, pk)
    compilation = compiled(questionnaire)
    by = "respondent" if request.GET.get("by") == "respondent" else "question"
    by_question = [
        (question, [(row, answer_text(question, value), _file_href(row, question, value)) for row, value in replies])
        for question, replies in compilation.by_question()
    ]
    by_respondent = []
    for row in compilation.rows:
        answers = []
        for question in compilation.questions:
            value = row.answers.get(question.code)
            answers.append((question, answer_text(question, value), _file_href(row, question, value)))
        by_respondent.append((row, answers))
    context = {
        "questionnaire": questionnaire,
        "compilation": compilation,
        "by": by,
        "by_question": by_question,
        "by_respondent": by_respondent,
        "QuestionType": QuestionType,
    }
    return render(request, "surveys/compilation.html", context)


def _file_href(row, question, value) -> str:
    """The download of a file answer as submitted in the row's revision; empty for other answers."""
    if question.type != QuestionType.FILE or not value:
        return ""
    url = reverse("surveys:response_file", args=[row.response.pk, question.code])
    return f"{url}?revision={row.revision_number}"


@require_GET
@permission_required(MANAGE)
def compilation_export(request, pk, fmt):
    questionnaire = get_questionnaire_for_user(request.user, pk)
    compilation = compiled(questionnaire)
    name, sample = f"{questionnaire.code}-compilation", holds_sample(compilation)
    if fmt not in ("xlsx", "docx"):
        raise Http404
    # Replies of people (evaluations) name them: such a download is written to the audit log; countries' are not.
    people = sum(1 for row in compilation.rows if row.response.person_id)
    sent = download_log(request.user, questionnaire, "surveys.compilation", rows=people) if people else None
    if fmt == "xlsx":
        return table_download(fmt, name, CompilationExport(compilation), sample=sample, sent=sent)
    return attachment(compilation_docx(compilation), name=f"{name}.docx", content_type=DOCX, sample=sample, sent=sent)
