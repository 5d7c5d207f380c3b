"""The T-CY document register over the JSON API.

Public documents (not withdrawn) are open to everyone; a reader holding `committees.view_restricted_documents`
(a bearer token or the workspace session) also sees restricted and withdrawn ones, which are a 404 to anyone else.
Writes need a bearer token of someone who keeps the committee (`committees.manage_committee`); their input passes
the workspace's forms and the same services, so the API keeps the register's rules and audit.
"""

import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Path, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate
from pydantic import Field

from octopus.accounts.api import CONFLICT, Id, Line, Pagination, Text, Version, form_errors, token_auth
from octopus.committees.forms.documents import DocumentForm, StatusForm
from octopus.committees.models import (
    Committee,
    Document,
    DocumentStatus,
    DocumentType,
    Language,
    TranslationStatus,
)
from octopus.committees.queries.documents import documents_for, search_documents, with_relations
from octopus.committees.services import documents as services
from octopus.lib.precision import Precision
from octopus.results.api import IsSample

router = Router(tags=["committee"])

MANAGE = "committees.manage_committee"


# --- schemas -------------------------------------------------------------------------------------------------------


class LanguageVersionOut(Schema):
    language: Language
    translation_status: TranslationStatus
    word_count: int | None
    deadline: datetime.date | None
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
        return context["request"].build_absolute_uri(reverse("tcy_document_file", args=[row.document_id, row.language]))


class DocumentOut(Schema):
    id: int
    symbol: str
    title: str
    type: DocumentType
    number: int | None
    status: DocumentStatus
    adopted_on: datetime.date | None = Field(description="The day; for a date known only to the month or the year, "
                                             "the first day of it (see `adopted_precision`).")  # fmt: skip
    adopted_precision: Precision = Field(description="How precisely the date of adoption is known: day, month, year.")
    adopted_shown: str = Field(description='The date as far as it is known ("November 2016"); "" when none is.')
    adopted_at: int | None = Field(validation_alias="adopted_at_id", description="Id of the adopting meeting.")
    adopted_at_plenary: int | None = Field(description="When a source names the plenary only.")
    written_procedure: bool
    is_public: bool
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


class DocumentIn(Schema):
    """The fields of the workspace's document form."""

    symbol: Annotated[str, Field(max_length=40, pattern=r"^[^\x00]*$", description="e.g. T-CY(2013)29rev")] = ""
    title: Line
    type: DocumentType
    number: int | None = Field(default=None, ge=1, le=32767, description="e.g. a Guidance Note's number.")
    is_public: bool = False  # restricted until someone decides to publish it
    source: Text = ""


class DocumentChangeIn(DocumentIn):
    """A correction; for an adopted document, how and when it was adopted may be corrected too."""

    version: Version
    adopted_on: datetime.date | None = None
    adopted_precision: Precision = Field(default=Precision.DAY, description="month or year: `adopted_on` stands for "
                                         "its month or year.")  # fmt: skip
    adopted_at: Id | None = Field(default=None, description="Id of the adopting meeting.")
    adopted_at_plenary: int | None = Field(default=None, ge=1, le=32767)
    written_procedure: bool = False


class StatusIn(Schema):
    to: DocumentStatus
    version: Version
    adopted_at: Id | None = Field(default=None, description="Adopted: id of the meeting that adopted it…")
    written_procedure: bool = Field(default=False, description="…or true for a written procedure, with the day.")
    adopted_on: datetime.date | None = Field(default=None, description="Adopted: the day (a meeting's last day "
                                             "when not given).")  # fmt: skip
    adopted_precision: Precision = Field(default=Precision.DAY, description="month or year when only that much of "
                                         "`adopted_on` is known.")  # fmt: skip


# --- helpers -------------------------------------------------------------------------------------------------------


def _viewer(request):
    """Public routes: whoever sends a valid bearer token or workspace session, else the anonymous public."""
    return token_auth(request) or request.user


def _check_manager(user) -> None:
    if not user.has_perm(MANAGE):
        raise PermissionDenied(_("Your role does not allow keeping the document register."))


def _form_data(payload: Schema) -> dict:
    data = payload.dict()
    return {key: "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else value)
            for key, value in data.items()}  # fmt: skip


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
    auth=None,
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
    documents = search_documents(documents_for(_viewer(request)), type=type or "", status=status or "", year=year, q=q)
    return with_relations(documents).order_by("type", "number", "title", "pk")


@router.get("/committee/documents/{document_id}", response=DocumentOut, auth=None, summary="One document")
def get_document(request, document_id: Path[Id]):
    # Public for a public document; a restricted or withdrawn one is a 404 to those who may not read it.
    return get_object_or_404(with_relations(documents_for(_viewer(request))), pk=document_id)


@router.post(
    "/committee/documents", response={201: DocumentOut}, auth=token_auth, summary="Record a document (as a draft)"
)
def create_document(request, payload: DocumentIn):
    _check_manager(request.auth)
    form = _document_form(payload)
    committee = get_object_or_404(Committee, code="T-CY")
    document = services.record_document(committee, user=request.auth, **form.service_fields())
    return Reply(201, _read(document.pk))


@router.put(
    "/committee/documents/{document_id}",
    response=DocumentOut,
    auth=token_auth,
    summary="Correct a document",
    description="Send every field, with the `version` you read; if someone changed the document since, 409.",
)
def correct_document(request, document_id: Path[Id], payload: DocumentChangeIn):
    _check_manager(request.auth)
    document = get_object_or_404(Document, pk=document_id)
    form = _document_form(payload, instance=document)
    document = services.correct_document(document, user=request.auth, version=payload.version,
                                         **form.service_fields())  # fmt: skip
    return _read(document.pk)


@router.post(
    "/committee/documents/{document_id}/status",
    response=DocumentOut,
    auth=token_auth,
    summary="Change a document's status",
    description="draft → consultation → adopted, or withdrawn; back to draft from consultation. Adopted: at a "
    "meeting (`adopted_at`) or by written procedure with `adopted_on`. A stale `version` is refused with 409.",
    openapi_extra=CONFLICT,
)
def change_status(request, document_id: Path[Id], payload: StatusIn):
    _check_manager(request.auth)
    document = get_object_or_404(Document, pk=document_id)
    form = StatusForm(data=_form_data(payload) | {"version": payload.version}, document=document)
    if not form.is_valid():
        raise form_errors(form)
    document = services.change_document_status(document, user=request.auth, **form.service_kwargs())
    return _read(document.pk)
