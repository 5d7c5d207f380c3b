"""Responses: the list of those a user may read, the answering page, its autosave, and answer files.

A focal point reads and answers its own country's responses; staff read every response and answer a person's
(an evaluation). The answering page is one server-rendered form that works without JavaScript; `survey.js` adds
autosave by posting the same form to `response_autosave`, which answers JSON (the page session and its CSRF token
are the authority there, as on the page; the API is for clients with a bearer token). Both send the `version` of the
response they read: a stale one is refused with a conflict, never written over.
"""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from octopus.accounts.permissions import permission_required
from octopus.lib.errors import ConflictError, DomainError
from octopus.lib.files import send_document
from octopus.lib.problems import PROBLEM_CONTENT_TYPE, problem
from octopus.surveys import services
from octopus.surveys.exports import answer_text
from octopus.surveys.forms import AnswerForm, ResponseFilterForm
from octopus.surveys.models import QuestionnaireStatus, QuestionType, ResponseState
from octopus.surveys.queries import (
    get_response_for_user,
    last_change,
    questionnaires_for_user,
    reopen_reasons,
    responses_for_user,
)
from octopus.surveys.services import AnswersInvalid
from octopus.surveys.views.questionnaires import PAGE_SIZE, query_without_page

READ = "surveys.view_responses"


@require_GET
@permission_required(READ)
def response_list(request):
    """A focal point: its country's questionnaires to answer. Staff: every response, with filters."""
    questionnaires = questionnaires_for_user(request.user).order_by("-created_at", "code")
    filters = ResponseFilterForm(request.GET or None, questionnaires=questionnaires)
    responses = filters.filter(responses_for_user(request.user))
    page = Paginator(responses, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "responses": page.object_list,
        "filtered": any(value for key, value in request.GET.items() if key != "page"),
        "query": query_without_page(request),
        "is_staff": request.user.has_perm("surveys.manage_questionnaires"),
    }
    return render(request, "surveys/responses.html", context)


# --- answering -----------------------------------------------------------------------------------------------------


def _questions(response):
    return list(response.questionnaire.questions.select_related("section").order_by("section__order", "order"))


def _may_answer(user, response) -> bool:
    return user.has_perm("surveys.answer_response", response)


def _editable(user, response) -> bool:
    return (
        _may_answer(user, response)
        and response.state != ResponseState.SUBMITTED
        and response.questionnaire.status == QuestionnaireStatus.OPEN
    )


def conflict_message(response) -> str:
    """Who saved the response meanwhile, and when: what the conflict banner says."""
    change = last_change(response)
    if change is None:
        return _(
            "Someone else changed this response since you opened it; reload to see the changes — your text "
            "is kept in the page."
        )
    who = change.user.email if change.user else _("Someone")
    when = formats.time_format(timezone.localtime(change.at), "H:i")
    return _(
        "%(who)s saved changes at %(when)s; reload to see them — your text is kept in the page, nothing of "
        "yours was saved."
    ) % {"who": who, "when": when}


@require_http_methods(["GET", "POST"])
@permission_required(READ)
def response_detail(request, pk):
    """The answering page: every question by section; "Save draft" and "Submit". Read-only once submitted, when
    the questionnaire is closed, and for staff reading a country's response."""
    response = get_response_for_user(request.user, pk)
    questions = _questions(response)
    stored = {answer.question_id: answer for answer in response.answers.all()}
    for question in questions:
        question.current_answer = stored.get(question.pk)
    current = {question.code: stored[question.pk].value for question in questions if question.pk in stored}
    editable = _editable(request.user, response)
    conflict = None
    status = 200
    form = AnswerForm(
        initial={"version": response.version}, questions=questions, answers=current, disabled=not editable
    )
    if request.method == "POST":
        if not _may_answer(request.user, response):
            raise PermissionDenied
        form = AnswerForm(request.POST, request.FILES, questions=questions, answers=current, disabled=not editable)
        outcome = _save(request, response, form)
        if outcome is None:
            return redirect("surveys:response", pk)
        conflict = outcome == "conflict" and conflict_message(response)
        status = 409 if conflict else 400
        response.refresh_from_db()
    context = {
        "response": response,
        "questionnaire": response.questionnaire,
        "form": form,
        "editable": editable,
        "conflict": conflict,
        "readonly": _readonly_answers(response, questions, stored),
        "revisions": list(response.revisions.select_related("submitted_by")),
        "reopenings": reopen_reasons(response),
        "is_staff": request.user.has_perm("surveys.manage_questionnaires"),
        "QuestionType": QuestionType,
    }
    return render(request, "surveys/response.html", context, status=status)


def _save(request, response, form) -> str | None:
    """Save (and, with the Submit button, submit) what the form holds; None when done, else "invalid" or
    "conflict", the form carrying the reasons and keeping what was typed."""
    if not form.is_valid():
        return "invalid"
    try:
        saved = services.save_answers(
            response,
            form.answers(),
            version=form.cleaned_data["version"],
            user=request.user,
            files=form.files_by_code(),
        )
    except AnswersInvalid as error:
        form.add_error(None, str(error))
        form.add_answer_errors(error.errors)
        return "invalid"
    except ConflictError:
        return "conflict"
    except DomainError as error:
        form.add_error(None, str(error))
        return "invalid"
    if request.POST.get("action") != "submit":
        messages.success(request, _("Draft saved at %(time)s.") % {"time": _now()})
        return None
    try:
        services.submit_response(saved, version=saved.version, user=request.user)
    except DomainError as error:
        # The draft is saved: the form now holds its new version, and the reasons next to the questions.
        form.data = form.data.copy()
        form.data["version"] = saved.version
        form.add_error(None, _("Your answers are saved as a draft, but not submitted: %(reason)s") % {"reason": error})
        if isinstance(error, AnswersInvalid):
            form.add_answer_errors(error.errors)
        return "invalid"
    messages.success(
        request, _("Response submitted at %(time)s. It is locked; the secretariat can reopen it.") % {"time": _now()}
    )
    return None


def _now() -> str:
    return formats.time_format(timezone.localtime(), "H:i")


def _readonly_answers(response, questions, stored) -> list:
    """[(section, [(question, answer text, answer)])] for the read-only page."""
    grouped = []
    for question in questions:
        if not grouped or grouped[-1][0].pk != question.section_id:
            grouped.append((question.section, []))
        answer = stored.get(question.pk)
        value = answer.value if answer else None
        grouped[-1][1].append((question, answer_text(question, value), answer))
    return grouped


def _problem(status: int, detail: str, **extra) -> HttpResponse:
    return HttpResponse(json.dumps(problem(status, detail, **extra)), status=status, content_type=PROBLEM_CONTENT_TYPE)


@require_POST
@permission_required(READ)
def response_autosave(request, pk):
    """The answering form posted by survey.js as the respondent types: JSON back. 200 {version, saved_at}; 409
    when someone else saved since the version sent (nothing written); 422 with `errors` [{field: question code,
    message}] when an answer is refused (nothing written). Files are not sent: they go with "Save draft"."""
    response = get_response_for_user(request.user, pk)
    if not _may_answer(request.user, response):
        raise PermissionDenied
    questions = _questions(response)
    current = {answer.question.code: answer.value for answer in response.answers.select_related("question")}
    form = AnswerForm(request.POST, questions=questions, answers=current)
    if not form.is_valid():
        by_name = {AnswerForm.name_of(question): question.code for question in questions}
        errors = [
            {"field": by_name.get(name, name), "message": str(message)}
            for name, messages_ in form.errors.items()
            for message in messages_
        ]
        return _problem(422, _("Some answers need correcting: nothing was saved."), errors=errors)
    try:
        saved = services.save_answers(response, form.answers(), version=form.cleaned_data["version"], user=request.user)
    except AnswersInvalid as error:
        errors = [{"field": code, "message": message} for code, message in error.errors.items()]
        return _problem(422, str(error), errors=errors)
    except ConflictError:
        return _problem(409, conflict_message(response))
    except DomainError as error:
        return _problem(422, str(error))
    body = {
        "version": saved.version,
        "saved_at": timezone.localtime(saved.updated_at).isoformat(),
        "message": _("Saved at %(time)s") % {"time": formats.time_format(timezone.localtime(saved.updated_at), "H:i")},
    }
    return HttpResponse(json.dumps(body), content_type="application/json")


@require_GET
@permission_required(READ)
def response_file(request, pk, code):
    """The file of an answer, to those who may read the response: the current one, or with `?revision=n` the one
    submitted in that revision. Always a download, never shown inline."""
    response = get_response_for_user(request.user, pk)
    revision = request.GET.get("revision")
    if revision is not None:
        if not revision.isdigit():
            raise Http404
        found = response.revisions.filter(number=int(revision)).first()
        value = (found.data if found else {}).get(code)
        if not isinstance(value, dict) or not value.get("path"):
            raise Http404
        storage_name = value["path"]
    else:
        answer = response.answers.filter(question__code=code, question__type=QuestionType.FILE).first()
        if answer is None or not answer.file:
            raise Http404
        value, storage_name = answer.value or {}, answer.file.name
    if not default_storage.exists(storage_name):
        raise Http404
    name = value.get("name") or storage_name.rsplit("/", 1)[-1]
    return send_document(default_storage.open(storage_name, "rb"), name=name, file_type=value.get("type"), private=True)
