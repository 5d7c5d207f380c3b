"""Reading the document register: what a visitor may see of it, its filters, and the translation requests with their
totals. Pages, exports and the API read through these, so that they show the same rows to the same people."""

from django.db.models import Count, F, Prefetch, Q, Sum
from django.db.models.functions import ExtractYear
from django.shortcuts import get_object_or_404

from octopus.committees.models import (
    Circulation,
    CommentRequest,
    Document,
    DocumentType,
    LanguageVersion,
    TranslationStatus,
)
from octopus.countries.models import Country
from octopus.surveys.models import Response
from octopus.surveys.permissions import focal_countries

RESTRICTED = "committees.view_restricted_documents"  # read what is circulated to the members
DRAFTS = "committees.view_draft_documents"  # read every working draft
LANGUAGE_SERVICES = "committees.manage_language_services"


def documents_readable_by(user):
    """The one rule of who reads which document, for every page, export, file and API route that lists or serves
    one (the register, a document's page and files, meetings' agendas, rounds' reports):
    - everyone (the public, donors, users without a role) reads the public register: public and not withdrawn;
    - every delegation (focal points), and the finance officer, reads what is circulated to the members or public,
      withdrawn ones included, and a working draft once the secretariat asked one of its countries to comment;
    - the secretariat (staff) reads every document, working drafts included."""
    if user is None or not user.has_perm(RESTRICTED):
        return Document.objects.public()
    if user.has_perm(DRAFTS):
        return Document.objects.all()
    asked = CommentRequest.objects.filter(country__iso2__in=focal_countries(user)).values("document")
    return Document.objects.filter(~Q(circulation=Circulation.DRAFT) | Q(pk__in=asked))


def readable_ids(user, documents) -> set[int]:
    """Which of `documents` (records or ids) `user` reads: one query, for pages that name documents found otherwise
    (a round's report, a follow-up's report)."""
    ids = {getattr(document, "pk", document) for document in documents if document is not None}
    if not ids:
        return set()
    return set(documents_readable_by(user).filter(pk__in=ids).values_list("pk", flat=True))


def get_document_for_user(user, pk: int) -> Document:
    """A document the user may read, with its committee and adopting meeting; one they may not is a 404, as if it did
    not exist."""
    return get_object_or_404(with_relations(documents_readable_by(user)), pk=pk)


def assessed_countries(document: Document):
    """The countries an assessment report linked to a round assesses, by name: the Parties its round asked (a reply
    to the questionnaire was started for each) or made recommendations to. None for any other document: the
    secretariat names the country it asks to comment."""
    if document.type != DocumentType.ASSESSMENT_REPORT or not document.assessment_rounds.exists():
        return None
    asked = Response.objects.filter(questionnaire__assessment_round__report=document).values("country")
    recommended = Q(tcy_recommendations__round__report=document)
    return Country.objects.filter(Q(pk__in=asked) | recommended).distinct().order_by("name")


def comment_requests_of(document: Document) -> list[CommentRequest]:
    return list(document.comment_requests.select_related("country", "requested_by").order_by("requested_at", "pk"))


def with_relations(documents):
    """What a list or a page shows of each document, in a fixed number of queries: its adopting meeting and its
    language versions (ordered by language)."""
    versions = LanguageVersion.objects.order_by("language")
    return documents.select_related("adopted_at__event", "adopted_at__committee").prefetch_related(
        Prefetch("versions", queryset=versions)
    )


def search_documents(documents, *, type="", status="", year=None, q="", public=""):
    """Filter the register. `year`: documents adopted in that year or whose symbol carries it, e.g. T-CY(2013)29;
    `q`: words found in the symbol or the title; `public`: "yes" (public only), "no" (restricted only: drafts and
    circulated), or a step of circulation ("draft", "circulated")."""
    if type:
        documents = documents.filter(type=type)
    if status:
        documents = documents.filter(status=status)
    if year:
        documents = documents.filter(Q(adopted_on__year=year) | Q(symbol__contains=f"({year})"))
    for word in (q or "").split()[:10]:
        documents = documents.filter(Q(symbol__icontains=word) | Q(title__icontains=word))
    if public == "yes":
        documents = documents.filter(circulation=Circulation.PUBLIC)
    elif public == "no":
        documents = documents.exclude(circulation=Circulation.PUBLIC)
    elif public in (Circulation.DRAFT, Circulation.CIRCULATED):
        documents = documents.filter(circulation=public)
    return documents


def translation_requests(user):
    """Every language version that is a translation (not an original), with its document: what the programme asked
    to have translated, and at what cost. Those who keep the language services see every request (they pay for
    the translation of drafts too: the symbol, title, words and cost, never the file); anyone else sees those of the
    documents they read (`documents_readable_by`)."""
    requests = LanguageVersion.objects.exclude(translation_status=TranslationStatus.ORIGINAL)
    if not user.has_perm(LANGUAGE_SERVICES):
        requests = requests.filter(document__in=documents_readable_by(user))
    return requests.select_related("document").order_by(
        "-deadline", "document__symbol", "document__title", "language", "pk"
    )


def translation_totals(requests) -> list[dict]:
    """Words and cost of `requests`, by the year of their deadline and status: one query. Rows are dicts with
    year (None when no deadline is set), status, requests, words and cost, latest year first."""
    rows = (
        requests.order_by()
        .annotate(year=ExtractYear("deadline"))
        .values("year", "translation_status")
        .annotate(requests=Count("pk"), words=Sum("word_count"), cost=Sum("cost"))
        .order_by(F("year").desc(nulls_last=True), "translation_status")
    )
    labels = dict(TranslationStatus.choices)
    return [
        {
            "year": row["year"],
            "status": row["translation_status"],
            "status_label": labels.get(row["translation_status"], row["translation_status"]),
            "requests": row["requests"],
            "words": row["words"] or 0,
            "cost": row["cost"] or 0,
        }
        for row in rows
    ]
