"""The T-CY document register: the public register (public documents that are not withdrawn, e.g. the Guidance
Notes) with each document's page and files, and the workspace's full register where the secretariat records,
corrects and adopts documents, uploads their language versions and asks for translations.

Who may do what (`octopus.committees.permissions`): everyone reads the public register; every other document, its
page and its files, exist only for those `queries.documents.documents_readable_by` lets read it (a 404 for anyone
else): every delegation reads what is circulated to the members, the secretariat its working drafts too, and a
country's focal points a draft the secretariat asked their country to comment on. The workspace is read with
`committees.view_committee` and kept with `committees.manage_committee` (the secretariat asks for comments,
circulates and publishes there); a translation request's status and cost are kept with
`committees.manage_language_services`. Every change goes through `octopus.committees.services.documents`.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods

from octopus.accounts.models import AuditEntry
from octopus.accounts.permissions import permission_required
from octopus.committees.forms.documents import (
    CirculationForm,
    CommentRequestForm,
    DocumentFilterForm,
    DocumentForm,
    StatusForm,
    TranslationFilterForm,
    TranslationForm,
    TranslationRequestForm,
    UploadForm,
)
from octopus.committees.models import (
    CIRCULATION_STEPS,
    DOCUMENT_TRANSITIONS,
    Circulation,
    Committee,
    Document,
    DocumentStatus,
    DocumentType,
    Language,
    LanguageVersion,
)
from octopus.committees.queries.documents import (
    RESTRICTED,
    assessed_countries,
    comment_requests_of,
    documents_readable_by,
    get_document_for_user,
    translation_requests,
    translation_totals,
    with_relations,
)
from octopus.committees.services import documents as services
from octopus.lib.downloads import contains_sample, table_download
from octopus.lib.errors import ConflictError, DomainError
from octopus.lib.exports import Table
from octopus.lib.files import send_document
from octopus.lib.forms import show_refusal
from octopus.lib.sorting import sort_columns
from octopus.results.assignments import assignments_of

READ = "committees.view_committee"
MANAGE = "committees.manage_committee"
LANGUAGE_SERVICES = "committees.manage_language_services"
PAGE_SIZE = 50

# --- helpers -------------------------------------------------------------------------------------------------------


def adoption_of(document: Document) -> str:
    """How and when the register says a document was adopted, in words: the date as far as it is known ("November
    2016"), and "date not known" when no source gives even the year; never guessed."""
    if document.status != DocumentStatus.ADOPTED:
        return ""
    if document.adopted_at_id:
        how = _("At %(meeting)s") % {"meeting": document.adopted_at}
    elif document.written_procedure:
        how = _("By written procedure")
    elif document.adopted_at_plenary:
        how = _("At the %(number)sth plenary (T-CY %(number)s)") % {"number": document.adopted_at_plenary}
    else:
        how = _("How is not recorded")
    day = document.adoption_shown if document.adopted_on else _("date not known")
    return f"{how}, {day}"


def versions_of(document: Document) -> dict:
    """The document's language versions by language code (prefetched by `with_relations`)."""
    return {row.language: row for row in document.versions.all()}


def version_text(row: LanguageVersion | None) -> str:
    if row is None:
        return ""
    if row.file:
        return f"{row.get_file_type_display()} ({row.get_translation_status_display().lower()})"
    return str(row.get_translation_status_display())


def register_table(documents, *, workspace: bool) -> Table:
    header = [
        _("Symbol"),
        _("Title"),
        _("Type"),
        _("Number"),
        _("Status"),
        _("Adoption"),
        _("Adopted on"),
        _("Adoption date known to the"),
    ]
    header += [_("Circulation")] if workspace else []
    header += [_("English"), _("French"), _("Source")]

    def rows():
        for document in documents:
            versions = versions_of(document)
            row = [
                document.symbol,
                document.title,
                document.get_type_display(),
                document.number,
                document.get_status_display(),
                adoption_of(document),
                document.adopted_on,
                document.adopted_precision if document.adopted_on else "",
            ]
            row += [document.get_circulation_display()] if workspace else []
            row += [version_text(versions.get(Language.EN)), version_text(versions.get(Language.FR)), document.source]
            yield row

    return Table(_("T-CY documents"), header, rows(), frozen_columns=2)


def query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def get_language(lang: str) -> str:
    if lang not in Language.values:
        raise Http404
    return lang


# --- the public register ---------------------------------------------------------------------------------------------


def _register(request, documents, *, workspace: bool) -> dict:
    filters = DocumentFilterForm(request.GET or None, workspace=workspace)
    page = Paginator(with_relations(filters.filter(documents)), PAGE_SIZE).get_page(request.GET.get("page"))
    for document in page.object_list:
        document.adoption = adoption_of(document)
        document.languages = versions_of(document)
    return {
        "filters": filters,
        "page": page,
        "documents": page.object_list,
        "columns": sort_columns(
            request,
            request.GET.get("sort", ""),
            {
                "symbol": _("Symbol"),
                "title": _("Title"),
                "type": _("Type"),
                "status": _("Status"),
                "adopted_on": _("Adopted on"),
            },
        ),
        "filtered": any(value for key, value in request.GET.items() if key not in ("sort", "page")),
        "query": query_without_page(request),
        "export_query": request.GET.urlencode(),
        "workspace": workspace,
        "guidance_notes": f"?type={DocumentType.GUIDANCE_NOTE}",
    }


# Public: the register of public documents (Guidance Notes, adopted reports) is public information.
@require_GET
def document_list(request):
    context = _register(request, documents_readable_by(None), workspace=False)  # as the public reads it
    return render(request, "committees/documents/list.html", context)


@require_GET
def document_list_csv(request):
    filters = DocumentFilterForm(request.GET or None)
    documents = with_relations(filters.filter(documents_readable_by(None)))
    table = register_table(documents, workspace=False)
    return table_download("csv", "tcy-documents", table, sample=contains_sample(documents))


# Public route with an explicit check: a restricted or withdrawn document is a 404 unless the visitor may read it.
@require_GET
def document_detail(request, pk):
    document = get_document_for_user(request.user, pk)
    versions = [v for v in document.versions.all() if v.is_published or request.user.has_perm(RESTRICTED)]
    context = {"document": document, "adoption": adoption_of(document), "versions": versions}
    return render(request, "committees/documents/public_document.html", context)


# Public route with an explicit check (as the page above): the file of a document the visitor may read, sent as an
# attachment of the type found at upload, never rendered by the browser.
@require_GET
def document_file(request, pk, lang):
    document = get_document_for_user(request.user, pk)
    row = get_object_or_404(LanguageVersion, document=document, language=get_language(lang))
    if not row.is_published and not request.user.has_perm(RESTRICTED):
        raise Http404  # a translation still being made is a working file
    name = f"{slugify(document.symbol or document.title)[:80] or 'document'}-{row.language}.{row.file_type}"
    private = not document.is_public or document.status == DocumentStatus.WITHDRAWN
    return send_document(row.file, name=name, file_type=row.file_type, private=private)


# --- the workspace register ------------------------------------------------------------------------------------------


@require_GET
@permission_required(READ)
def register(request):
    context = _register(request, documents_readable_by(request.user), workspace=True)
    return render(request, "committees/documents/list.html", context)


@require_GET
@permission_required(READ)
def register_export(request, fmt):
    filters = DocumentFilterForm(request.GET or None, workspace=True)
    documents = with_relations(filters.filter(documents_readable_by(request.user)))
    table = register_table(documents, workspace=True)
    return table_download(fmt, "tcy-register", table, sample=contains_sample(documents))


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def document_create(request):
    committee = get_object_or_404(Committee, code="T-CY")
    form = DocumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.record_document(committee, user=request.user, **form.service_fields())
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Document recorded. Upload its original file next."))
            return redirect("committees:tcy_document_manage", document.pk)
    context = {"form": form, "title": _("Record a document"), "back": reverse("committees:tcy_register")}
    return render(request, "committees/documents/form.html", context, status=400 if form.errors else 200)


HISTORY_LABELS = {
    "committees.document.recorded": _lazy("Recorded"),
    "committees.document.corrected": _lazy("Corrected"),
    "committees.document.draft": _lazy("Back to draft"),
    "committees.document.consultation": _lazy("Sent for consultation"),
    "committees.document.adopted": _lazy("Adopted"),
    "committees.document.withdrawn": _lazy("Withdrawn"),
    "committees.document.comment_requested": _lazy("Comment requested"),
    "committees.document.circulated": _lazy("Circulated to the members"),
    "committees.document.published": _lazy("Made public"),
    "committees.language_version.uploaded": _lazy("File uploaded"),
    "committees.translation.requested": _lazy("Translation requested"),
    "committees.translation.in_progress": _lazy("Translation started"),
    "committees.translation.delivered": _lazy("Translation delivered"),
    "committees.translation.cancelled": _lazy("Translation cancelled"),
    "committees.translation.updated": _lazy("Translation request corrected"),
}


def history_of(document: Document) -> list[AuditEntry]:
    """The audit entries of the document and of its language versions, latest first, each with a label in words
    (and, for a language version, which one)."""
    versions = {str(row.pk): row.get_language_display() for row in document.versions.all()}
    about = Q(object_type="committees.document", object_id=str(document.pk)) | Q(
        object_type="committees.languageversion", object_id__in=list(versions)
    )
    entries = list(AuditEntry.objects.filter(about).select_related("user").order_by("-at", "-pk"))
    for entry in entries:
        entry.label = str(HISTORY_LABELS.get(entry.action, entry.action))
        if entry.action == "committees.document.comment_requested":
            entry.label = f"{entry.label}: {entry.data.get('country', '')}"
        entry.language = versions.get(entry.object_id) if entry.object_type == "committees.languageversion" else ""
    return entries


@require_GET
@permission_required(READ)
def document_manage(request, pk):
    document = get_document_for_user(request.user, pk)
    versions = versions_of(document)
    languages = [(code, label, versions.get(code)) for code, label in Language.choices]
    context = {
        "document": document,
        "adoption": adoption_of(document),
        "languages": languages,
        "history": history_of(document),
        "can_manage": request.user.has_perm(MANAGE),
        "can_keep_translations": request.user.has_perm(LANGUAGE_SERVICES),
        "can_change_status": bool(DOCUMENT_TRANSITIONS[DocumentStatus(document.status)]),
        "next_steps": [Circulation(step) for step in CIRCULATION_STEPS[Circulation(document.circulation)]],
        "can_ask_comment": document.circulation == Circulation.DRAFT and document.status != DocumentStatus.WITHDRAWN,
        "comment_requests": comment_requests_of(document) if request.user.has_perm(MANAGE) else [],
    }
    return render(request, "committees/documents/document.html", context)


def _form_page(request, form, document, title, *, intro="", multipart=False, status=None):
    context = {
        "form": form,
        "document": document,
        "title": title,
        "intro": intro,
        "multipart": multipart,
        "back": reverse("committees:tcy_document_manage", args=[document.pk]),
    }
    return render(request, "committees/documents/form.html", context, status=status or (400 if form.errors else 200))


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def document_edit(request, pk):
    document = get_document_for_user(request.user, pk)
    form = DocumentForm(request.POST or None, instance=document)
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_document(
                document, user=request.user, version=form.cleaned_data["version"], **form.service_fields()
            )
        except DomainError as error:
            show_refusal(form, error, current_version=lambda: Document.objects.get(pk=document.pk).version)
        else:
            messages.success(request, _("Document corrected."))
            return redirect("committees:tcy_document_manage", document.pk)
    title = _("Correct %(document)s") % {"document": document.symbol or document.title}
    return _form_page(request, form, document, title)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def document_status(request, pk):
    document = get_document_for_user(request.user, pk)
    form = StatusForm(request.POST or None, document=document)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.change_document_status(document, user=request.user, **form.service_kwargs())
        except DomainError as error:
            show_refusal(form, error, current_version=lambda: Document.objects.get(pk=document.pk).version)
        else:
            messages.success(request, _("Status: %(status)s.") % {"status": document.get_status_display().lower()})
            return redirect("committees:tcy_document_manage", document.pk)
    title = _("Change the status of %(document)s") % {"document": document.symbol or document.title}
    intro = _("It is %(status)s now. Adopted: at a meeting of the committee, or by written procedure on a day.") % {
        "status": document.get_status_display().lower()
    }
    return _form_page(request, form, document, title, intro=intro)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def document_comment_request(request, pk):
    """The secretariat asks a country to comment on a working draft: its focal points read it from then on."""
    document = get_document_for_user(request.user, pk)
    countries = assessed_countries(document)
    form = CommentRequestForm(request.POST or None, document=document, countries=countries)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_comment(
                document, country=form.cleaned_data["country"], user=request.user, version=form.cleaned_data["version"]
            )
        except DomainError as error:
            show_refusal(form, error, current_version=lambda: Document.objects.get(pk=document.pk).version)
        else:
            messages.success(
                request,
                _("%(country)s is asked to comment: its focal points read the draft now.")
                % {"country": form.cleaned_data["country"]},
            )
            return redirect("committees:tcy_document_manage", document.pk)
    title = _("Ask a country to comment on %(document)s") % {"document": document.symbol or document.title}
    intro = _(
        "The working draft is read by the secretariat only. The focal points of the country you ask read it "
        "from now on, until it is circulated to every delegation."
    )
    if countries is not None:
        intro = f"{intro} {_('An assessment report is sent for comment to a country it assesses.')}"
    return _form_page(request, form, document, title, intro=intro)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def document_circulation(request, pk):
    """The next step of who reads the document: circulated to every delegation, then public."""
    document = get_document_for_user(request.user, pk)
    form = CirculationForm(request.POST or None, document=document)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.change_circulation(document, user=request.user, **form.cleaned_data)
        except DomainError as error:
            show_refusal(form, error, current_version=lambda: Document.objects.get(pk=document.pk).version)
        else:
            messages.success(
                request,
                _("%(document)s: %(circulation)s.")
                % {
                    "document": document.symbol or document.title,
                    "circulation": document.get_circulation_display().lower(),
                },
            )
            return redirect("committees:tcy_document_manage", document.pk)
    title = _("Circulate %(document)s") % {"document": document.symbol or document.title}
    intro = _(
        "It is %(circulation)s now. Circulated: every delegation reads it. Public: everyone reads it on the "
        "public register. There is no way back."
    ) % {"circulation": document.get_circulation_display().lower()}
    return _form_page(request, form, document, title, intro=intro)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def document_upload(request, pk, lang):
    document = get_document_for_user(request.user, pk)
    language = get_language(lang)
    row = LanguageVersion.objects.filter(document=document, language=language).first()
    form = UploadForm(request.POST or None, request.FILES or None, initial={"version": row and row.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.upload_language_version(
                document,
                language=language,
                upload=form.cleaned_data["file"],
                user=request.user,
                version=form.cleaned_data["version"],
                expect_new=form.cleaned_data["version"] is None,
            )
        except ConflictError as error:
            current = LanguageVersion.objects.filter(document=document, language=language)
            show_refusal(form, error, current_version=lambda: current.values_list("version", flat=True).first())
        except DomainError as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, _("File stored."))
            return redirect("committees:tcy_document_manage", document.pk)
    label = Language(language).label
    verb = _("Replace the %(language)s file") if row and row.file else _("Upload the %(language)s file")
    return _form_page(request, form, document, verb % {"language": label}, multipart=True)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def translation_request(request, pk, lang):
    document = get_document_for_user(request.user, pk)
    language = get_language(lang)
    form = TranslationRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_translation(document, language=language, user=request.user, **form.cleaned_data)
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Translation requested."))
            return redirect("committees:tcy_document_manage", document.pk)
    title = _("Request the %(language)s translation") % {"language": Language(language).label}
    return _form_page(request, form, document, title)


# --- translations ------------------------------------------------------------------------------------------------


def _translations(request):
    filters = TranslationFilterForm(request.GET or None)
    return filters, filters.filter(translation_requests(request.user))


@require_GET
@permission_required(READ)
def translations(request):
    filters, requests = _translations(request)
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    totals = translation_totals(requests)
    context = {
        "filters": filters,
        "page": page,
        "requests": page.object_list,
        "totals": totals,
        "total_words": sum(row["words"] for row in totals),
        "total_cost": sum(row["cost"] for row in totals),
        "filtered": any(value for key, value in request.GET.items() if key != "page"),
        "query": query_without_page(request),
        "can_keep": request.user.has_perm(LANGUAGE_SERVICES),
    }
    return render(request, "committees/documents/translations.html", context)


def translations_tables(requests) -> tuple[Table, Table]:
    header = [_("Symbol"), _("Title"), _("Into"), _("Status"), _("Words"), _("Deadline"), _("Cost (EUR)")]
    rows = (
        [
            r.document.symbol,
            r.document.title,
            r.get_language_display(),
            r.get_translation_status_display(),
            r.word_count,
            r.deadline,
            r.cost,
        ]
        for r in requests
    )
    totals = (
        [row["year"], row["status_label"], row["requests"], row["words"], row["cost"]]
        for row in translation_totals(requests)
    )
    return (
        Table(_("Translation requests"), header, rows, frozen_columns=2),
        Table(_("Totals"), [_("Deadline year"), _("Status"), _("Requests"), _("Words"), _("Cost (EUR)")], totals),
    )


@require_GET
@permission_required(READ)
def translations_export(request, fmt):
    _filters, requests = _translations(request)
    table, totals = translations_tables(requests)
    sample = contains_sample(Document.objects.filter(pk__in=requests.values("document")))
    return table_download(fmt, "tcy-translations", table, totals, sample=sample)


@require_http_methods(["GET", "POST"])
@permission_required(LANGUAGE_SERVICES)
def translation_edit(request, pk):
    row = get_object_or_404(translation_requests(request.user), pk=pk)
    served = next((a.activity for a in assignments_of(row) if a.activity_id), None)
    initial = {
        "status": row.translation_status,
        "word_count": row.word_count,
        "deadline": row.deadline,
        "cost": row.cost,
        "version": row.version,
        "activity": served,
    }
    form = TranslationForm(request.POST or None, initial=initial, sample=row.document.is_sample)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        activity = fields.pop("activity")
        try:
            with transaction.atomic():
                services.update_translation(row, user=request.user, **fields)
                if "activity" in request.POST and activity != served:
                    services.set_translation_activity(row, activity, user=request.user)
        except DomainError as error:
            show_refusal(form, error, current_version=lambda: LanguageVersion.objects.get(pk=row.pk).version)
        else:
            messages.success(request, _("Translation request saved."))
            return redirect("committees:tcy_translations")
    context = {
        "form": form,
        "title": _("Translation of %(document)s") % {"document": row},
        "row": row,
        "back": reverse("committees:tcy_translations"),
        "intro": _("Requested → being translated → delivered, or cancelled."),
    }
    return render(request, "committees/documents/form.html", context, status=400 if form.errors else 200)


urlpatterns = [
    path("t-cy/documents/", document_list, name="tcy_documents"),
    path("t-cy/documents/export.csv", document_list_csv, name="tcy_documents_csv"),
    path("t-cy/documents/<int:pk>/", document_detail, name="tcy_document"),
    path("t-cy/documents/<int:pk>/<str:lang>/file/", document_file, name="tcy_document_file"),
    path("workspace/t-cy/documents/", register, name="tcy_register"),
    path("workspace/t-cy/documents/export/<str:fmt>/", register_export, name="tcy_register_export"),
    path("workspace/t-cy/documents/new/", document_create, name="tcy_document_create"),
    path("workspace/t-cy/documents/<int:pk>/", document_manage, name="tcy_document_manage"),
    path("workspace/t-cy/documents/<int:pk>/edit/", document_edit, name="tcy_document_edit"),
    path("workspace/t-cy/documents/<int:pk>/status/", document_status, name="tcy_document_status"),
    path("workspace/t-cy/documents/<int:pk>/comment/", document_comment_request, name="tcy_document_comment"),
    path("workspace/t-cy/documents/<int:pk>/circulation/", document_circulation, name="tcy_document_circulation"),
    path("workspace/t-cy/documents/<int:pk>/<str:lang>/upload/", document_upload, name="tcy_document_upload"),
    path(
        "workspace/t-cy/documents/<int:pk>/<str:lang>/translation/", translation_request, name="tcy_translation_request"
    ),
    path("workspace/t-cy/translations/", translations, name="tcy_translations"),
    path("workspace/t-cy/translations/export/<str:fmt>/", translations_export, name="tcy_translations_export"),
    path("workspace/t-cy/translations/<int:pk>/", translation_edit, name="tcy_translation"),
]
