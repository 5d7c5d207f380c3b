"""Reading the document register: what a visitor may see of it, its filters, and the translation requests with their
totals. Pages, exports and the API read through these, so that they show the same rows to the same people."""

from django.db.models import Count, F, Prefetch, Q, Sum
from django.db.models.functions import ExtractYear
from django.shortcuts import get_object_or_404

from octopus.committees.models import Document, LanguageVersion, TranslationStatus

RESTRICTED = "committees.view_restricted_documents"


def documents_for(user):
    """The register as `user` may read it: restricted and withdrawn documents only for holders of
    `committees.view_restricted_documents`; everyone else (the public, donors) reads the public register."""
    if user is not None and user.has_perm(RESTRICTED):
        return Document.objects.all()
    return Document.objects.public()


def get_document_for_user(user, pk: int) -> Document:
    """A document the user may read, with its committee and adopting meeting; one they may not is a 404, as if it did
    not exist."""
    return get_object_or_404(with_relations(documents_for(user)), pk=pk)


def with_relations(documents):
    """What a list or a page shows of each document, in a fixed number of queries: its adopting meeting and its
    language versions (ordered by language)."""
    versions = LanguageVersion.objects.order_by("language")
    return documents.select_related("adopted_at__event", "adopted_at__committee").prefetch_related(
        Prefetch("versions", queryset=versions)
    )


def search_documents(documents, *, type="", status="", year=None, q="", public=""):
    """Filter the register. `year`: documents adopted in that year or whose symbol carries it, e.g. T-CY(2013)29;
    `q`: words found in the symbol or the title; `public`: "yes" (public only) or "no" (restricted only)."""
    if type:
        documents = documents.filter(type=type)
    if status:
        documents = documents.filter(status=status)
    if year:
        documents = documents.filter(Q(adopted_on__year=year) | Q(symbol__contains=f"({year})"))
    for word in (q or "").split()[:10]:
        documents = documents.filter(Q(symbol__icontains=word) | Q(title__icontains=word))
    if public == "yes":
        documents = documents.filter(is_public=True)
    elif public == "no":
        documents = documents.filter(is_public=False)
    return documents


def translation_requests():
    """Every language version that is a translation (not an original), with its document: what the programme asked
    to have translated, and at what cost."""
    return (
        LanguageVersion.objects.exclude(translation_status=TranslationStatus.ORIGINAL)
        .select_related("document")
        .order_by("-deadline", "document__symbol", "document__title", "language", "pk")
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
