"""Files a page sends as downloads: any content as an attachment, and a table as CSV or XLSX.

A download that holds sample data says so: its file name ends in "-SAMPLE-DATA", the first row of every XLSX sheet
carries `SAMPLE_NOTE`, and a PDF puts the mark of `templates/pdf/sample_mark.html` at the top of every page.
"""

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _

from octopus.lib.exports import Export, to_csv, to_xlsx

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

SAMPLE_NOTE = _("SAMPLE DATA — this file includes invented sample records, not real data.")
SAMPLE_SUFFIX = "-SAMPLE-DATA"


def contains_sample(*querysets: QuerySet) -> bool:
    """True when any of the querysets holds a record flagged `is_sample` (one EXISTS query each, at most)."""
    return any(queryset.filter(is_sample=True).exists() for queryset in querysets)


def attachment(content, *, name: str, content_type: str, sample: bool = False) -> HttpResponse:
    """`content` downloaded as `name`; a file holding sample data gets "-SAMPLE-DATA" before its extension."""
    if sample:
        stem, dot, extension = name.rpartition(".")
        name = f"{stem}{SAMPLE_SUFFIX}.{extension}" if dot else name + SAMPLE_SUFFIX
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def table_download(fmt: str, name: str, table: Export, *more: Export, sample: bool = False) -> HttpResponse:
    """`table` as `name`.csv, or as `name`.xlsx with `more` tables as further sheets; another format is a 404.

    `sample`: the tables hold sample data (see `contains_sample`); a table may also say so by its own
    `sample_note`."""
    tables = (table, *more)
    sample = sample or any(item.sample_note for item in tables)
    if sample:
        for item in tables:
            item.sample_note = item.sample_note or str(SAMPLE_NOTE)
    if fmt == "csv":
        return attachment(to_csv(table), name=f"{name}.csv", content_type=CSV, sample=sample)
    if fmt == "xlsx":
        return attachment(to_xlsx(*tables), name=f"{name}.xlsx", content_type=XLSX, sample=sample)
    raise Http404
