"""The T-CY document register over the JSON API.

Who reads which document is the register's one rule (`queries.documents.documents_readable_by`, with a bearer token
or the workspace session): public documents (not withdrawn) are open to everyone; every delegation also reads what
is circulated to the members; the secretariat reads working drafts too, and a country's focal points a draft their
country was asked to comment on. Anything else is a 404, as if it did not exist. Writes need a bearer token of
someone who keeps the committee (`committees.manage_committee`); their input passes the workspace's forms and the
same services, so the API keeps the register's rules and audit.
"""

import datetime
from typing import Annotated

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy
from ninja import Path, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate
from pydantic import Field

from octopus.accounts.api import CONFLICT, PUBLIC, Id, Line, Pagination, Text, Version, allowed, form_errors, viewer
from octopus.committees.forms.documents import CirculationForm, CommentRequestForm, DocumentForm, StatusForm
from octopus.committees.models import (
    Circulation,
    Committee,
    Document,
    DocumentStatus,
    DocumentType,
    Language,
    TranslationStatus,
)
from octopus.committees.queries.documents import (
    assessed_countries,
    documents_readable_by,
    search_documents,
    with_relations,
)
from octopus.committees.services import documents as services
from octopus.lib.dates import IsoDate
from octopus.lib.precision import Precision
from octopus.results.api import IsSample

router = Router(tags=["committee"])

MANAGE = "committees.manage_committee"


# --- schemas -------------------------------------------------------------------------------------------------------


class LanguageVersionOut(Schema):
    language: Language
    translation_status: TranslationStatus
    word_count: int | None
    deadline: IsoDate | None
    cost: str = Field(description="EUR, a decimal string; 0 for an original.")
    file_type: str | None = Field(description="pdf or docx, found from the content at upload; null without a file.")
    file_size: int | None
    uploaded_at: datetime.datetime | None
    file_url: str | None = Field(description="Where the file is downloaded (the same permission check as the page).")

    @staticmethod
    def resolve_cost(row) -> str:
        return str(row.cost)

    @staticmethod
    def resolve_file_type(row) -> str | None:
        return row.file_type or None

    @staticmethod
    def resolve_file_url(row, context) -> str | None:
        if not row.file:
            return None
        return context["request"].build_absolute_uri(
            reverse("committees:tcy_document_file", args=[row.document_id, row.language])
        )


class DocumentOut(Schema):
    id: int
    symbol: str
    title: str
    type: DocumentType
    number: int | None
    status: DocumentStatus
    adopted_on: IsoDate | None = Field(
        description="The day; for a date known only to the month or the year, "
        "the first day of it (see `adopted_precision`)."
    )
    adopted_precision: Precision = Field(description="How precisely the date of adoption is known: day, month, year.")
    adopted_shown: str = Field(description='The date as far as it is known ("November 2016"); "" when none is.')
    adopted_at: int | None = Field(validation_alias="adopted_at_id", description="Id of the adopting meeting.")
    adopted_at_plenary: int | None = Field(description="When a source names the plenary only.")
    written_procedure: bool
    circulation: Circulation = Field(
        description="draft: the secretariat's working draft (and the focal points of a "
        "country asked to comment); circulated: every delegation; public: everyone."
    )
    is_public: bool = Field(description="circulation is public.")
    source: str
    is_sample: IsSample
    version: int = Field(description="Send it back when correcting or changing the status; stale → 409.")
    versions: list[LanguageVersionOut] = Field(description="The document in English and French.")

    @staticmethod
    def resolve_adopted_shown(document) -> str:
        return document.adoption_shown

    @staticmethod
    def resolve_versions(document) -> list:
        return list(document.versions.all())


class DocumentFieldsIn(Schema):
    symbol: Annotated[str, Field(max_length=40, pattern=r"^[^\x00]*$", description="e.g. T-CY(2013)29rev")] = ""
    title: Line
    type: DocumentType
    number: int | None = Field(default=None, ge=1, le=32767, description="e.g. a Guidance Note's number.")
    source: Text = ""


class DocumentIn(DocumentFieldsIn):
    """The fields of the workspace's document form."""

    circulation: Circulation = Field(
        default=Circulation.DRAFT,
        description="A new document is a working draft; record an older one as it stands (circulated or public).",
    )


class DocumentChangeIn(DocumentFieldsIn):
    """A correction; for an adopted document, how and when it was adopted may be corrected too."""

    version: Version
    adopted_on: IsoDate | None = None
    adopted_precision: Precision = Field(
        default=Precision.DAY, description="month or year: `adopted_on` stands for its month or year."
    )
    adopted_at: Id | None = Field(default=None, description="Id of the adopting meeting.")
    adopted_at_plenary: int | None = Field(default=None, ge=1, le=32767)
    written_procedure: bool = False


class StatusIn(Schema):
    to: DocumentStatus
    version: Version
    adopted_at: Id | None = Field(default=None, description="Adopted: id of the meeting that adopted it…")
    written_procedure: bool = Field(default=False, description="…or true for a written procedure, with the day.")
    adopted_on: IsoDate | None = Field(
        default=None, description="Adopted: the day (a meeting's last day when not given)."
    )
    adopted_precision: Precision = Field(
        default=Precision.DAY, description="month or year when only that much of `adopted_on` is known."
    )


class CirculationIn(Schema):
    to: Circulation = Field(description="The next step: circulated (from draft), then public.")
    version: Version


class CommentRequestIn(Schema):
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO alpha-2 code of the country asked.")]
    version: Version


class CommentRequestOut(Schema):
    id: int
    document: int = Field(validation_alias="document_id")
    country: str = Field(description="ISO alpha-2 code.")
    requested_at: datetime.datetime
    version: int = Field(description="The document's version now.")

    @staticmethod
    def resolve_country(asked) -> str:
        return asked.country.iso2

    @staticmethod
    def resolve_version(asked) -> int:
        return asked.document.version


# --- helpers -------------------------------------------------------------------------------------------------------


# Who may use each route: each declares it (`allowed`, or PUBLIC); a refusal is this 403.
NOT_THE_REGISTRAR = gettext_lazy("Your role does not allow keeping the document register.")


def _form_data(payload: Schema) -> dict:
    data = payload.dict()
    return {
        key: "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else value)
        for key, value in data.items()
    }


def _document_form(payload: Schema, instance: Document | None = None) -> DocumentForm:
    form = DocumentForm(data=_form_data(payload), instance=instance)
    if not form.is_valid():
        raise form_errors(form)
    return form


def _read(pk: int) -> Document:
    return with_relations(Document.objects.all()).get(pk=pk)


# --- routes ----------------------------------------------------------------------------------------------------------


@router.get(
    "/committee/documents",
    response=list[DocumentOut],
    auth=PUBLIC,
    summary="The T-CY document register",
    description="Public documents (not withdrawn) for everyone; with a token or session of a role that reads "
    "restricted documents, every document. In the register's order: type, number, title.",
)
@paginate(Pagination, page_size=100)
def list_documents(
    request,
    type: DocumentType | None = None,
    status: DocumentStatus | None = None,
    year: Annotated[int | None, Field(ge=1990, le=2100, description="Adopted in, or with it in the symbol.")] = None,
    q: Annotated[str, Field(max_length=200, pattern=r"^[^\x00]*$", description="Words of the symbol or title.")] = "",
):
    documents = search_documents(
        documents_readable_by(viewer(request)), type=type or "", status=status or "", year=year, q=q
    )
    return with_relations(documents).order_by("type", "number", "title", "pk")


@router.get("/committee/documents/{document_id}", response=DocumentOut, auth=PUBLIC, summary="One document")
def get_document(request, document_id: Path[Id]):
    # Public for a public document; any other is a 404 to those who may not read it.
    return get_object_or_404(with_relations(documents_readable_by(viewer(request))), pk=document_id)


@router.post(
    "/committee/documents",
    response={201: DocumentOut},
    auth=allowed(MANAGE, NOT_THE_REGISTRAR, token_only=True),
    summary="Record a document (as a draft)",
)
def create_document(request, payload: DocumentIn):
    form = _document_form(payload)
    committee = get_object_or_404(Committee, code="T-CY")
    document = services.record_document(committee, user=request.auth, **form.service_fields())
    return Reply(201, _read(document.pk))


@router.put(
    "/committee/documents/{document_id}",
    response=DocumentOut,
    auth=allowed(MANAGE, NOT_THE_REGISTRAR, token_only=True),
    summary="Correct a document",
    description="Send every field, with the `version` you read; if someone changed the document since, 409.",
)
def correct_document(request, document_id: Path[Id], payload: DocumentChangeIn):
    document = get_object_or_404(Document, pk=document_id)
    form = _document_form(payload, instance=document)
    document = services.correct_document(document, user=request.auth, version=payload.version, **form.service_fields())
    return _read(document.pk)


@router.post(
    "/committee/documents/{document_id}/status",
    response=DocumentOut,
    auth=allowed(MANAGE, NOT_THE_REGISTRAR, token_only=True),
    summary="Change a document's status",
    description="draft → consultation → adopted, or withdrawn; back to draft from consultation. Adopted: at a "
    "meeting (`adopted_at`) or by written procedure with `adopted_on`. A stale `version` is refused with 409.",
    openapi_extra=CONFLICT,
)
def change_status(request, document_id: Path[Id], payload: StatusIn):
    document = get_object_or_404(Document, pk=document_id)
    form = StatusForm(data=_form_data(payload) | {"version": payload.version}, document=document)
    if not form.is_valid():
        raise form_errors(form)
    document = services.change_document_status(document, user=request.auth, **form.service_kwargs())
    return _read(document.pk)


@router.post(
    "/committee/documents/{document_id}/comment-requests",
    response={201: CommentRequestOut},
    auth=allowed(MANAGE, NOT_THE_REGISTRAR, token_only=True),
    summary="Ask a country to comment on a working draft",
    description="Its focal points read the draft from then on. For an assessment report linked to a round, a "
    "country the report assesses. Refused for a document already circulated or withdrawn, or a country asked "
    "already (422); a stale `version` of the document is refused with 409.",
    openapi_extra=CONFLICT,
)
def request_comment(request, document_id: Path[Id], payload: CommentRequestIn):
    document = get_object_or_404(Document, pk=document_id)
    form = CommentRequestForm(data=_form_data(payload), document=document, countries=assessed_countries(document))
    if not form.is_valid():
        raise form_errors(form)
    asked = services.request_comment(document, user=request.auth, **form.cleaned_data)
    return Reply(201, asked)


@router.post(
    "/committee/documents/{document_id}/circulation",
    response=DocumentOut,
    auth=allowed(MANAGE, NOT_THE_REGISTRAR, token_only=True),
    summary="Circulate a document, or make it public",
    description="draft → circulated (every delegation reads it) → public (everyone, on the public register); never "
    "back. A stale `version` is refused with 409.",
    openapi_extra=CONFLICT,
)
def change_circulation(request, document_id: Path[Id], payload: CirculationIn):
    document = get_object_or_404(Document, pk=document_id)
    form = CirculationForm(data=_form_data(payload), document=document)
    if not form.is_valid():
        raise form_errors(form)
    document = services.change_circulation(document, user=request.auth, **form.cleaned_data)
    return _read(document.pk)
