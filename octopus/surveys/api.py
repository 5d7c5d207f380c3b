"""Questionnaires and responses over the JSON API.

Staff (administrators, programme staff, the T-CY secretariat) build questionnaires, open and close them, read every
response and the compilation, and reopen a submission. A focal point reads the questionnaires its country answers
and its country's responses (drafts included), saves answers and submits; another country's response is a 404.
Reads take a bearer token or the workspace session; writes need a bearer token. Every write is validated (a Django
form, or the service's per-question checks: 422 with `errors`, one per question code) and done by a service, so the
API keeps the same rules and audit as the pages. Answers carry the response `version`: a stale one is a 409.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Path, Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate
from pydantic import Field

from octopus.accounts.api import CONFLICT, Id, Line, Pagination, Text, Version, allowed, form_errors, require
from octopus.lib.dates import IsoDate
from octopus.lib.files import FileType
from octopus.results.api import IsSample
from octopus.surveys import services
from octopus.surveys.forms import QuestionForm, QuestionnaireForm, SectionForm
from octopus.surveys.models import Purpose, Questionnaire, QuestionnaireStatus, QuestionType, Response, ResponseState
from octopus.surveys.queries import (
    compiled,
    get_questionnaire_for_user,
    get_response_for_user,
    questionnaires_for_user,
    responses_for_user,
)
from octopus.surveys.services import AnswersInvalid

router = Router(tags=["questionnaires"])


Code = Annotated[str, Field(max_length=60, pattern=r"^[-a-zA-Z0-9_]+$")]
ISO2 = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2 code")]
AnswerValue = bool | int | float | Text | list[Annotated[str, Field(max_length=300, pattern=r"^[^\x00]*$")]] | None


# --- schemas -----------------------------------------------------------------------------------------------------


# Its own name in the OpenAPI document: other apps' enums are called Purpose too, and would take its place.
type QuestionnairePurpose = Purpose


class QuestionnaireOut(Schema):
    id: int
    code: str
    title: str
    purpose: QuestionnairePurpose
    description: str
    opens_on: IsoDate | None
    closes_on: IsoDate | None
    status: QuestionnaireStatus
    created_at: datetime.datetime
    is_sample: IsSample


class ChoiceOut(Schema):
    value: str
    label: str


class QuestionOut(Schema):
    id: int
    code: str
    order: int
    text: str
    help: str
    type: QuestionType
    required: bool
    min_value: str | None = Field(description="Number questions: the smallest answer accepted, a decimal string.")
    max_value: str | None
    choices: list[ChoiceOut] = Field(description="Choice questions: the options; compliance: the levels.")
    file_types: list[FileType]
    max_file_size: int = Field(description="File questions: bytes.")
    is_sample: IsSample = Field(validation_alias="section.questionnaire.is_sample")

    @staticmethod
    def resolve_min_value(question) -> str | None:
        return None if question.min_value is None else _plain(question.min_value)

    @staticmethod
    def resolve_max_value(question) -> str | None:
        return None if question.max_value is None else _plain(question.max_value)

    @staticmethod
    def resolve_choices(question) -> list[dict]:
        return [{"value": value, "label": label} for value, label in question.choice_labels().items()]


class SectionOut(Schema):
    id: int
    order: int
    title: str
    article: str
    is_sample: IsSample = Field(validation_alias="questionnaire.is_sample")
    questions: list[QuestionOut]

    @staticmethod
    def resolve_questions(section) -> list:
        return list(section.questions.all())


class QuestionnaireDetailOut(QuestionnaireOut):
    sections: list[SectionOut]

    @staticmethod
    def resolve_sections(questionnaire) -> list:
        return list(questionnaire.sections.prefetch_related("questions"))


class QuestionnaireIn(Schema):
    code: Code
    title: Line
    purpose: QuestionnairePurpose
    description: Text = ""
    opens_on: IsoDate | None = None
    closes_on: IsoDate | None = None


class SectionIn(Schema):
    title: Line
    article: Annotated[str, Field(max_length=30, pattern=r"^[^\x00]*$")] = ""


class ChoiceIn(Schema):
    value: Annotated[str, Field(max_length=300, pattern=r"^[^\x00]*$")]
    label: Line = ""


class QuestionIn(Schema):
    section: Id = Field(description="Id of a section of this questionnaire.")
    code: Code
    text: Text
    help: Text = ""
    type: QuestionType
    required: bool = False
    min_value: Decimal | None = Field(default=None, max_digits=20, decimal_places=4)
    max_value: Decimal | None = Field(default=None, max_digits=20, decimal_places=4)
    choices: list[ChoiceIn] = Field(default=[], max_length=200)
    file_types: list[FileType] = Field(default=[], max_length=10, description="None given: every type.")
    max_file_size_kb: int | None = Field(default=None, ge=1, le=100 * 1024, description="Default 10 240 KB.")


class RevisionOut(Schema):
    number: int
    submitted_at: datetime.datetime
    submitted_by: str | None

    @staticmethod
    def resolve_submitted_by(revision) -> str | None:
        return revision.submitted_by.email if revision.submitted_by_id else None


class ResponseOut(Schema):
    id: int
    questionnaire: int = Field(validation_alias="questionnaire_id")
    country: str | None = Field(description="The answering country (ISO alpha-2), or null for a person.")
    person: int | None = Field(validation_alias="person_id")
    state: ResponseState
    version: int = Field(description="Send it back with answers or a submission; a stale one is refused with 409.")
    started_at: datetime.datetime
    updated_at: datetime.datetime
    submitted_at: datetime.datetime | None
    is_sample: IsSample = Field(
        description="True when the questionnaire or the answering person is sample data, "
        "invented for trying Octopus, not real."
    )

    @staticmethod
    def resolve_country(response) -> str | None:
        return response.country.iso2 if response.country_id else None

    @staticmethod
    def resolve_is_sample(response) -> bool:
        return _sample_response(response, response.questionnaire)


class ResponseDetailOut(ResponseOut):
    answers: dict[str, Any] = Field(
        description="Question code → the current (draft) value: text, a decimal string, true/false, an option, a "
        "list of options, or for a file {name, size, type}."
    )
    revisions: list[RevisionOut]

    @staticmethod
    def resolve_answers(response) -> dict:
        return {
            answer.question.code: answer.value
            for answer in response.answers.select_related("question").order_by(
                "question__section__order", "question__order"
            )
            if answer.value not in (None, "", [])
        }

    @staticmethod
    def resolve_revisions(response) -> list:
        return list(response.revisions.select_related("submitted_by"))


class AnswersIn(Schema):
    version: Version
    answers: dict[Code, AnswerValue] = Field(
        max_length=1000,
        description="Question code → value; null or an empty value clears the answer. Files are "
        "uploaded on the answering page.",
    )


class SubmitIn(Schema):
    version: Version


class ReopenIn(Schema):
    reason: Annotated[str, Field(min_length=1, max_length=2000, pattern=r"^[^\x00]*$")]


class CompiledRowOut(Schema):
    response: int
    respondent: str
    country: str | None
    person: int | None
    revision: int
    submitted_at: datetime.datetime
    answers: dict[str, Any]


class CompilationOut(Schema):
    questionnaire: int
    questions: list[str] = Field(description="Question codes in the order of the questionnaire.")
    rows: list[CompiledRowOut] = Field(description="Every respondent that submitted, as last submitted.")
    sample: bool = Field(
        description="True when a reply below is sample data, invented for trying Octopus, not real: the "
        "questionnaire is sample data, or a person who answered is."
    )


# Who may use each route: each declares it with `allowed`; these are the 403s' messages.
NO_QUESTIONNAIRES = gettext_lazy("Your role does not give access to questionnaires.")
NOT_A_BUILDER = gettext_lazy("Your role does not allow building or following questionnaires.")
ONLY_STAFF_REOPEN = gettext_lazy("Only staff reopen a submitted response.")


# --- helpers -----------------------------------------------------------------------------------------------------


def _sample_response(response: Response, questionnaire: Questionnaire) -> bool:
    """A response is sample data when its questionnaire is, or the person who answered is."""
    return questionnaire.is_sample or bool(response.person_id and response.person.is_sample)


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _form(form_class, payload: Schema, **kwargs):
    data = {key: "" if value is None else value for key, value in payload.dict().items()}
    form = form_class(data=data, **kwargs)
    if not form.is_valid():
        raise form_errors(form)
    return form


def _answerable(user, response_id: int) -> Response:
    """A response the user reads and answers: only its respondent's focal points do (a 403 for anyone else)."""
    response = get_response_for_user(user, response_id)
    require(user, "surveys.answer_response", response, _("Only the respondent's focal points answer this response."))
    return response


def _detail(response: Response) -> Response:
    return Response.objects.select_related("country", "questionnaire", "person").get(pk=response.pk)


# --- questionnaires ----------------------------------------------------------------------------------------------


@router.get(
    "/questionnaires",
    response=list[QuestionnaireOut],
    auth=allowed("surveys.view_responses", NO_QUESTIONNAIRES),
    summary="Questionnaires",
    description="Staff: every questionnaire; a focal point: those its country is asked to answer. Latest first.",
)
@paginate(Pagination, page_size=100)
def list_questionnaires(
    request, status: QuestionnaireStatus | None = None, purpose: QuestionnairePurpose | None = None
):
    questionnaires = questionnaires_for_user(request.auth)
    if status:
        questionnaires = questionnaires.filter(status=status)
    if purpose:
        questionnaires = questionnaires.filter(purpose=purpose)
    return questionnaires.order_by("-created_at", "code")


@router.get(
    "/questionnaires/{questionnaire_id}",
    response=QuestionnaireDetailOut,
    auth=allowed("surveys.view_responses", NO_QUESTIONNAIRES),
    summary="One questionnaire with its sections and questions",
)
def get_questionnaire(request, questionnaire_id: Path[Id]):
    return get_object_or_404(questionnaires_for_user(request.auth), pk=questionnaire_id)


@router.post(
    "/questionnaires",
    response={201: QuestionnaireOut},
    auth=allowed("surveys.manage_questionnaires", NOT_A_BUILDER, token_only=True),
    summary="Create a questionnaire",
    description="A draft: add sections and questions, then open it.",
)
def create_questionnaire(request, payload: QuestionnaireIn):
    form = _form(QuestionnaireForm, payload)
    return Reply(201, services.create_questionnaire(user=request.auth, **form.cleaned_data))


@router.post(
    "/questionnaires/{questionnaire_id}/sections",
    response={201: SectionOut},
    auth=allowed("surveys.manage_questionnaires", NOT_A_BUILDER, token_only=True),
    summary="Add a section at the end",
    description="Only while the questionnaire is a draft (else 422).",
)
def add_section(request, questionnaire_id: Path[Id], payload: SectionIn):
    questionnaire = get_questionnaire_for_user(request.auth, questionnaire_id)
    form = _form(SectionForm, payload)
    return Reply(201, services.add_section(questionnaire, user=request.auth, **form.cleaned_data))


@router.post(
    "/questionnaires/{questionnaire_id}/questions",
    response={201: QuestionOut},
    auth=allowed("surveys.manage_questionnaires", NOT_A_BUILDER, token_only=True),
    summary="Add a question at the end of a section",
    description="Only while the questionnaire is a draft. Choice questions need two distinct options; a minimum "
    "and a maximum only for numbers; file types and size only for files (each refusal a 422).",
)
def add_question(request, questionnaire_id: Path[Id], payload: QuestionIn):
    questionnaire = get_questionnaire_for_user(request.auth, questionnaire_id)
    data = payload.dict()
    choices = data.pop("choices")
    data["choices"] = ""  # the options are checked by the service, as given
    data["file_types"] = data["file_types"] or []
    form = QuestionForm(data={k: "" if v is None else v for k, v in data.items()}, questionnaire=questionnaire)
    if not form.is_valid():
        raise form_errors(form)
    fields = form.service_fields()
    fields["choices"] = [{"value": c["value"], "label": c["label"] or c["value"]} for c in choices] or None
    question = services.add_question(form.cleaned_data["section"], user=request.auth, **fields)
    return Reply(201, question)


@router.post(
    "/questionnaires/{questionnaire_id}/open",
    response=QuestionnaireOut,
    auth=allowed("surveys.manage_questionnaires", NOT_A_BUILDER, token_only=True),
    summary="Open a draft questionnaire to respondents",
)
def open_questionnaire(request, questionnaire_id: Path[Id]):
    questionnaire = get_questionnaire_for_user(request.auth, questionnaire_id)
    return services.open_questionnaire(questionnaire, user=request.auth)


@router.post(
    "/questionnaires/{questionnaire_id}/close",
    response=QuestionnaireOut,
    auth=allowed("surveys.manage_questionnaires", NOT_A_BUILDER, token_only=True),
    summary="Close an open questionnaire: nothing more can be saved or submitted",
)
def close_questionnaire(request, questionnaire_id: Path[Id]):
    questionnaire = get_questionnaire_for_user(request.auth, questionnaire_id)
    return services.close_questionnaire(questionnaire, user=request.auth)


@router.get(
    "/questionnaires/{questionnaire_id}/compilation",
    response=CompilationOut,
    auth=allowed("surveys.manage_questionnaires", NOT_A_BUILDER),
    summary="Compiled replies",
    description="Every respondent that submitted, with the answers of its latest revision (a response being "
    "corrected after a reopening shows what it last submitted). Staff only.",
)
def get_compilation(request, questionnaire_id: Path[Id]):
    questionnaire = get_questionnaire_for_user(request.auth, questionnaire_id)
    compilation = compiled(questionnaire)
    rows = [
        {
            "response": row.response.pk,
            "respondent": str(row.respondent),
            "country": row.response.country.iso2 if row.response.country_id else None,
            "person": row.response.person_id,
            "revision": row.revision_number,
            "submitted_at": row.submitted_at,
            # The stored path of a file is the server's business; clients get its name, size and type.
            "answers": {code: _public(value) for code, value in row.answers.items()},
        }
        for row in compilation.rows
    ]
    return {
        "questionnaire": questionnaire.pk,
        "questions": [q.code for q in compilation.questions],
        "rows": rows,
        "sample": questionnaire.is_sample or any(_sample_response(r.response, questionnaire) for r in compilation.rows),
    }


def _public(value):
    if isinstance(value, dict):
        return {key: item for key, item in value.items() if key != "path"}
    return value


# --- responses ---------------------------------------------------------------------------------------------------


@router.get(
    "/responses",
    response=list[ResponseOut],
    auth=allowed("surveys.view_responses", NO_QUESTIONNAIRES),
    summary="Responses",
    description="Staff: every response; a focal point: its own country's, drafts included.",
)
@paginate(Pagination, page_size=100)
def list_responses(
    request,
    questionnaire: Query[Id | None] = None,
    state: ResponseState | None = None,
    country: Query[ISO2 | None] = None,
):
    responses = responses_for_user(request.auth)
    if questionnaire:
        responses = responses.filter(questionnaire_id=questionnaire)
    if state:
        responses = responses.filter(state=state)
    if country:
        responses = responses.filter(country__iso2=country.upper())
    return responses


@router.get(
    "/responses/{response_id}",
    response=ResponseDetailOut,
    auth=allowed("surveys.view_responses", NO_QUESTIONNAIRES),
    summary="One response: its state, version, current answers and submissions",
)
def get_response(request, response_id: Path[Id]):
    return get_response_for_user(request.auth, response_id)


@router.put(
    "/responses/{response_id}/answers",
    response=ResponseDetailOut,
    auth=allowed("surveys.view_responses", NO_QUESTIONNAIRES, token_only=True),
    summary="Save answers as a draft",
    description="Only the questions sent change. 409 when someone saved since the `version` sent; 422 with "
    "`errors` (field = question code) when an answer is refused, or when the response is submitted or the "
    "questionnaire closed. Nothing is saved on a refusal.",
)
def save_answers(request, response_id: Path[Id], payload: AnswersIn):
    response = _answerable(request.auth, response_id)
    try:
        saved = services.save_answers(response, payload.answers, version=payload.version, user=request.auth)
    except AnswersInvalid as error:
        raise form_errors({code: [message] for code, message in error.errors.items()}) from None
    return _detail(saved)


@router.post(
    "/responses/{response_id}/submit",
    response=ResponseDetailOut,
    auth=allowed("surveys.view_responses", NO_QUESTIONNAIRES, token_only=True),
    summary="Submit a response",
    description="Freezes the answers into a new revision and locks the response. 409 on a stale `version`; 422 "
    "with `errors` naming each required question left unanswered.",
    openapi_extra=CONFLICT,
)
def submit_response(request, response_id: Path[Id], payload: SubmitIn):
    response = _answerable(request.auth, response_id)
    try:
        submitted = services.submit_response(response, version=payload.version, user=request.auth)
    except AnswersInvalid as error:
        raise form_errors({code: [message] for code, message in error.errors.items()}) from None
    return _detail(submitted)


@router.post(
    "/responses/{response_id}/reopen",
    response=ResponseDetailOut,
    auth=allowed("surveys.reopen_response", ONLY_STAFF_REOPEN, token_only=True),
    summary="Reopen a submitted response (staff)",
    description="Gives it back to its respondent to correct; the reason is shown to them. Its revisions stay.",
)
def reopen_response(request, response_id: Path[Id], payload: ReopenIn):
    response = get_response_for_user(request.auth, response_id)
    return _detail(services.reopen_response(response, user=request.auth, reason=payload.reason))
