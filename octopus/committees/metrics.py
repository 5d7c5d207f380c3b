"""What the committees count, for the results framework (DESIGN.md §4)."""

import datetime

from octopus.committees.models import Document, DocumentType
from octopus.lib.metrics import Metric, MetricError, Period, memo, registry


def _check(type: str) -> None:
    if type and type not in DocumentType.values:
        raise MetricError(f"Unknown document type {type!r} (known: {', '.join(DocumentType.values)}).")


def _adoptions() -> list[tuple[str, datetime.date]]:
    """(type, day) of every dated adoption, read once per reading of many indicators."""
    return memo(
        "committees.adoptions",
        lambda: list(Document.objects.adopted().filter(adopted_on__isnull=False).values_list("type", "adopted_on")),
    )


def adopted_count(start: datetime.date, end: datetime.date, *, type: str = "") -> int:
    _check(type)
    return sum(1 for kind, day in _adoptions() if start <= day <= end and (not type or kind == type))


def adopted_series(periods: list[Period], *, type: str = "") -> list[int]:
    return [adopted_count(start, end, type=type) for start, end in periods]


def adopted_documents(start: datetime.date, end: datetime.date, *, type: str = "") -> list[Document]:
    # A document adopted on a day no source gives is counted in no period: a visible gap, not a guess.
    _check(type)
    documents = Document.objects.adopted().filter(adopted_on__range=(start, end))
    return list((documents.filter(type=type) if type else documents).order_by("adopted_on", "pk"))


registry.register(
    Metric(
        key="committees.documents_adopted",
        title="Committee documents adopted",
        value=adopted_count,
        drilldown=adopted_documents,
        params={"type": str},
        series=adopted_series,
        description="Documents of the register adopted in the period, of one type if given (guidance_note, "
        "assessment_report, …); a document whose day of adoption is not recorded is counted in no period.",
    )
)
