"""The one write path of questionnaires and responses (DESIGN.md §7.3): every change is checked and audited."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from octopus.accounts.permissions import is_staff_member
from octopus.accounts.services import log_action, snapshot
from octopus.lib.errors import DomainError
from octopus.lib.files import FileType, detect_file_type
from octopus.lib.locking import locked_for_update
from octopus.surveys.hooks import response_submitted
from octopus.surveys.models import (
    Answer,
    Question,
    Questionnaire,
    QuestionnaireStatus,
    QuestionType,
    Response,
    ResponseRevision,
    ResponseState,
    Section,
)


class AnswersInvalid(DomainError):
    """Some answers were refused; `errors` maps each question code to what is wrong with it. Nothing was saved."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(_("Some answers need correcting: nothing was saved."))


# ---- questionnaires ---------------------------------------------------------------------------------------------


def create_questionnaire(*, user, code: str, title: str, purpose: str, **fields) -> Questionnaire:
    """A new questionnaire in draft: sections and questions are added before it opens."""
    if Questionnaire.objects.filter(code=code).exists():
        raise DomainError(_("A questionnaire with the code “%(code)s” already exists.") % {"code": code})
    questionnaire = Questionnaire(code=code, title=title, purpose=purpose, created_by=user, **fields)
    if questionnaire.opens_on and questionnaire.closes_on and questionnaire.closes_on < questionnaire.opens_on:
        raise DomainError(_("The deadline must not be before the opening date."))
    questionnaire.save()
    log_action(questionnaire, "surveys.questionnaire.created", user=user, after=snapshot(questionnaire))
    return questionnaire


def _ensure_draft(questionnaire: Questionnaire) -> None:
    # Questions change only before anyone answers, so that every answer refers to the question as it was asked.
    if questionnaire.status != QuestionnaireStatus.DRAFT:
        raise DomainError(_("The questionnaire is no longer a draft: its questions cannot change."))


def add_section(questionnaire: Questionnaire, *, user, title: str, article: str = "") -> Section:
    """A section at the end of the questionnaire."""
    _ensure_draft(questionnaire)
    last = questionnaire.sections.aggregate(last=Max("order"))["last"] or 0
    section = Section.objects.create(questionnaire=questionnaire, order=last + 1, title=title, article=article)
    log_action(section, "surveys.section.added", user=user, after=snapshot(section))
    return section


def _clean_choices(choices) -> list[dict]:
    cleaned, seen = [], set()
    for option in choices or []:
        if isinstance(option, str):
            option = {"value": option, "label": option}
        value = str(option.get("value", "")).strip() if isinstance(option, dict) else ""
        if not value:
            raise DomainError(_("Every choice needs a value."))
        if value in seen:
            raise DomainError(_("The choice “%(value)s” is given twice.") % {"value": value})
        seen.add(value)
        cleaned.append({"value": value, "label": str(option.get("label") or value)})
    return cleaned


def add_question(
    section: Section,
    *,
    user,
    code: str,
    text: str,
    type: str,
    required: bool = False,
    help: str = "",
    min_value=None,
    max_value=None,
    choices=None,
    file_types=None,
    max_file_size: int | None = None,
) -> Question:
    """A question at the end of a section. Choice questions need at least two distinct choices; a number's
    minimum may not exceed its maximum; a file question accepts the listed types (all known types by default)."""
    questionnaire = section.questionnaire
    _ensure_draft(questionnaire)
    if type not in QuestionType.values:
        raise DomainError(_("Unknown question type “%(type)s”.") % {"type": type})
    if questionnaire.questions.filter(code=code).exists():
        raise DomainError(_("The code “%(code)s” is already used in this questionnaire.") % {"code": code})
    fields: dict[str, Any] = {}  # keyword arguments of the question
    if type in (QuestionType.CHOICE, QuestionType.MULTI_CHOICE):
        fields["choices"] = _clean_choices(choices)
        if len(fields["choices"]) < 2:
            raise DomainError(_("A choice question needs at least two choices."))
    elif choices:
        raise DomainError(_("Only choice questions have choices."))
    if type == QuestionType.NUMBER:
        fields["min_value"] = None if min_value is None else Decimal(str(min_value))
        fields["max_value"] = None if max_value is None else Decimal(str(max_value))
        if None not in (fields["min_value"], fields["max_value"]) and fields["min_value"] > fields["max_value"]:
            raise DomainError(_("The minimum must not be greater than the maximum."))
    elif min_value is not None or max_value is not None:
        raise DomainError(_("Only number questions have a minimum and a maximum."))
    if type == QuestionType.FILE:
        file_types = list(file_types or FileType.values)
        unknown = sorted(set(file_types) - set(FileType.values))
        if unknown:
            raise DomainError(_("Unknown file types: %(types)s.") % {"types": ", ".join(unknown)})
        fields["file_types"] = file_types
        if max_file_size is not None:
            if max_file_size <= 0:
                raise DomainError(_("The maximum file size must be positive."))
            fields["max_file_size"] = max_file_size
    last = section.questions.aggregate(last=Max("order"))["last"] or 0
    question = Question.objects.create(
        questionnaire=questionnaire,
        section=section,
        order=last + 1,
        code=code,
        text=text,
        help=help,
        type=type,
        required=required,
        **fields,
    )
    log_action(question, "surveys.question.added", user=user, after=snapshot(question))
    return question


def open_questionnaire(questionnaire: Questionnaire, *, user) -> Questionnaire:
    """Open a draft questionnaire to respondents; it needs at least one question."""
    given = questionnaire
    with transaction.atomic():
        questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
        if questionnaire.status != QuestionnaireStatus.DRAFT:
            raise DomainError(_("Only a draft questionnaire can be opened."))
        if not questionnaire.questions.exists():
            raise DomainError(_("Add at least one question before opening the questionnaire."))
        questionnaire.status = QuestionnaireStatus.OPEN
        questionnaire.save(update_fields=["status"])
        log_action(questionnaire, "surveys.questionnaire.opened", user=user)
    given.status = questionnaire.status  # the caller's copy tells the truth too
    return questionnaire


def close_questionnaire(questionnaire: Questionnaire, *, user) -> Questionnaire:
    """Close an open questionnaire: drafts stay as they are and nothing more can be saved or submitted."""
    given = questionnaire
    with transaction.atomic():
        questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
        if questionnaire.status != QuestionnaireStatus.OPEN:
            raise DomainError(_("Only an open questionnaire can be closed."))
        questionnaire.status = QuestionnaireStatus.CLOSED
        questionnaire.save(update_fields=["status"])
        log_action(questionnaire, "surveys.questionnaire.closed", user=user)
    given.status = questionnaire.status
    return questionnaire


# ---- responses --------------------------------------------------------------------------------------------------


def start_response(questionnaire: Questionnaire, *, country=None, person=None, user) -> Response:
    """The response of one respondent (a country or a person), created on first use; an existing one is returned
    as it is, so that two people of one country share the same draft."""
    if (country is None) == (person is None):
        raise DomainError(_("A response belongs to exactly one respondent: a country or a person."))
    if questionnaire.status != QuestionnaireStatus.OPEN:
        raise DomainError(_("This questionnaire is not open for answers."))
    scope = {"country": country} if country is not None else {"person": person}
    with transaction.atomic():
        response, created = Response.objects.get_or_create(questionnaire=questionnaire, **scope)
        if created:
            log_action(response, "surveys.response.started", user=user)
    return response


def _locked(response: Response, version: int) -> Response:
    """The response row locked for this transaction, after checking the caller saw its latest version, and still
    open to answers."""
    current = locked_for_update(
        Response.objects.select_related("questionnaire"),
        response.pk,
        version,
        stale=_(
            "Someone else saved these answers since you opened them. Reload to see their changes; nothing of "
            "yours was saved."
        ),
    )
    if current.state == ResponseState.SUBMITTED:
        raise DomainError(_("This response has been submitted and is locked; ask the secretariat to reopen it."))
    if current.questionnaire.status != QuestionnaireStatus.OPEN:
        raise DomainError(_("This questionnaire is closed: answers can no longer be changed."))
    return current


def _is_empty(value) -> bool:
    return value is None or value == "" or value == []


def _clean_value(question: Question, value):
    """The value to store for `question`, or raise ValueError with the message a respondent sees."""
    if _is_empty(value):
        return None
    kind = question.type
    if kind == QuestionType.TEXT:
        if not isinstance(value, str):
            raise ValueError(_("Enter text."))
        return value.strip() or None
    if kind == QuestionType.NUMBER:
        if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
            raise ValueError(_("Enter a number."))
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
        if not number.is_finite():
            raise ValueError(_("Enter a number."))
        if question.min_value is not None and number < question.min_value:
            raise ValueError(_("Enter a number of at least %(min)s.") % {"min": _plain(question.min_value)})
        if question.max_value is not None and number > question.max_value:
            raise ValueError(_("Enter a number of at most %(max)s.") % {"max": _plain(question.max_value)})
        return _plain(number)
    if kind == QuestionType.YES_NO:
        if not isinstance(value, bool):
            raise ValueError(_("Answer yes or no."))
        return value
    if kind in (QuestionType.CHOICE, QuestionType.COMPLIANCE):
        if not isinstance(value, str):
            raise ValueError(_("Choose one of the options."))
        if value not in question.choice_labels():
            raise ValueError(_("“%(value)s” is not one of the options.") % {"value": value})
        return value
    if kind == QuestionType.MULTI_CHOICE:
        if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
            raise ValueError(_("Choose among the options."))
        labels = question.choice_labels()
        unknown = [item for item in value if item not in labels]
        if unknown:
            raise ValueError(_("“%(value)s” is not one of the options.") % {"value": unknown[0]})
        return [option for option in labels if option in value]  # in the order of the options, once each
    if kind == QuestionType.FILE:
        raise ValueError(_("Upload a file."))
    raise ValueError(_("Unknown question type."))


def _plain(number: Decimal) -> str:
    """A decimal as plain text without trailing zeros: 12.50 → "12.5", 1E+2 → "100"."""
    return format(number.normalize(), "f")


def _check_file(question: Question, upload) -> str:
    """The type of an uploaded file, or ValueError saying why it is refused."""
    if question.type != QuestionType.FILE:
        raise ValueError(_("This question does not take a file."))
    if upload.size > question.max_file_size:
        raise ValueError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": _size(upload.size), "limit": _size(question.max_file_size)}
        )
    upload.seek(0)
    head = upload.read(16)
    found = detect_file_type(head, upload)
    upload.seek(0)
    if found is None or found not in question.file_types:
        allowed = ", ".join(FileType(kind).label for kind in question.file_types)
        message = _("This file is not of an accepted type (judged by its content, not its name); upload %(allowed)s.")
        raise ValueError(message % {"allowed": allowed})
    return found


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{size / 1024:.1f} KB"


def save_answers(response: Response, answers: dict, *, version: int, user, files: dict | None = None) -> Response:
    """Save a draft: `answers` maps question codes to values (empty clears an answer), `files` maps codes of file
    questions to uploaded files. Refused as a whole when the caller's `version` is stale (ConflictError: someone
    else saved meanwhile), when the response is submitted or the questionnaire closed (DomainError), or when any
    value is wrong (AnswersInvalid with one message per question code). Returns the response with its new version."""
    files = files or {}
    with transaction.atomic():
        current = _locked(response, version)
        questions = {question.code: question for question in current.questionnaire.questions.all()}
        errors: dict[str, str] = {}
        cleaned: dict[str, object] = {}  # question code → value to store
        uploads: dict[str, str] = {}  # question code → file type
        for code, value in answers.items():
            question = questions.get(code)
            if question is None:
                errors[code] = _("There is no such question in this questionnaire.")
                continue
            if question.type == QuestionType.FILE and _is_empty(value):
                cleaned[code] = None  # clears the file
                continue
            try:
                cleaned[code] = _clean_value(question, value)
            except ValueError as error:
                errors[code] = str(error)
        for code, upload in files.items():
            question = questions.get(code)
            if question is None:
                errors[code] = _("There is no such question in this questionnaire.")
                continue
            try:
                uploads[code] = _check_file(question, upload)
            except ValueError as error:
                errors[code] = str(error)
        if errors:
            raise AnswersInvalid(errors)

        existing = {answer.question.code: answer for answer in current.answers.select_related("question")}
        now = timezone.now()
        changed = []
        for code in sorted({*cleaned, *uploads}):
            question = questions[code]
            answer = existing.get(code) or Answer(response=current, question=question)
            if code in uploads:
                upload = files[code]
                # Older files stay on disk: a revision submitted earlier may still point to them.
                answer.file.save(f"answer.{uploads[code]}", upload, save=False)
                answer.value = {"name": upload.name, "size": upload.size, "type": uploads[code]}
            elif answer.value == cleaned[code]:
                continue  # unchanged (or still empty): an autosave that changes nothing writes nothing
            else:
                answer.value = cleaned[code]
                if question.type == QuestionType.FILE:
                    answer.file = ""
            answer.updated_at, answer.updated_by = now, user
            answer.save()
            changed.append(code)
        if not changed:
            # Nothing new: the version stays, so that a colleague editing meanwhile is not told of a conflict.
            return current
        current.version += 1
        current.updated_at = now
        # A reopened response stays "reopened" until submitted again, so that staff see it was given back.
        current.save(update_fields=["version", "updated_at"])
        log_action(
            current, "surveys.response.saved", user=user, data={"questions": changed, "version": current.version}
        )
    return current


def _revision_data(response: Response) -> dict:
    data = {}
    for answer in response.answers.select_related("question"):
        if _is_empty(answer.value):
            continue
        value = answer.value
        if answer.question.type == QuestionType.FILE:
            if not answer.file:
                continue
            assert isinstance(value, dict)  # a file answer with a file stores its name, size and type
            value = {**value, "path": answer.file.name}
        data[answer.question.code] = value
    return data


def submit_response(response: Response, *, version: int, user) -> Response:
    """Submit a response: every required question must be answered (else AnswersInvalid naming the missing
    ones). The answers are frozen into a new revision and the response is locked until staff reopen it."""
    with transaction.atomic():
        current = _locked(response, version)
        data = _revision_data(current)
        missing = {
            question.code: _("This question must be answered.")
            for question in current.questionnaire.questions.filter(required=True)
            if question.code not in data
        }
        if missing:
            raise AnswersInvalid(missing)
        now = timezone.now()
        number = (current.revisions.aggregate(last=Max("number"))["last"] or 0) + 1
        revision = ResponseRevision.objects.create(
            response=current, number=number, data=data, submitted_at=now, submitted_by=user
        )
        current.state = ResponseState.SUBMITTED
        current.submitted_at, current.submitted_by = now, user
        current.version += 1
        current.updated_at = now
        current.save(update_fields=["state", "submitted_at", "submitted_by", "version", "updated_at"])
        log_action(current, "surveys.response.submitted", user=user, data={"revision": revision.number})
        # Other apps act on the answers (e.g. legislation records a country's statistics); a function that raises
        # AnswersInvalid or DomainError refuses the submission, and this transaction rolls back.
        response_submitted.run(response=current, revision=revision, user=user)
    return current


def reopen_response(response: Response, *, user, reason: str) -> Response:
    """Staff give a submitted response back to its respondent to correct; its revisions stay as they were."""
    if not is_staff_member(user):
        raise DomainError(_("Only the secretariat or programme staff can reopen a submitted response."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the response is reopened: the respondent sees it."))
    with transaction.atomic():
        current = Response.objects.select_for_update().get(pk=response.pk)
        if current.state != ResponseState.SUBMITTED:
            raise DomainError(_("Only a submitted response can be reopened."))
        current.state = ResponseState.REOPENED
        current.version += 1
        current.updated_at = timezone.now()
        current.save(update_fields=["state", "version", "updated_at"])
        log_action(current, "surveys.response.reopened", user=user, data={"reason": reason})
    return current
