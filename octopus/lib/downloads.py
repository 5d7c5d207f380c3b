"""Files a page sends as downloads: any content as an attachment, and a table as CSV or XLSX.

A download holding personal data is recorded: the page passes `sent`, called once the file is made with its name
(and, for a table, its number of rows); `octopus.accounts.services.download_log` makes one that writes the audit log.

A download that holds sample data says so: its file name ends in "-SAMPLE-DATA", the first row of every XLSX sheet
carries `SAMPLE_NOTE`, and a PDF puts the mark of `templates/pdf/sample_mark.html` at the top of every page.
"""

from collections.abc import Callable

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _

from octopus.lib.exports import Export, to_csv, to_xlsx

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ICS = "text/calendar; charset=utf-8"
JSON = "application/json; charset=utf-8"

SAMPLE_NOTE = _("SAMPLE DATA — this file includes invented sample records, not real data.")
SAMPLE_SUFFIX = "-SAMPLE-DATA"


def contains_sample(*querysets: QuerySet) -> bool:
    """True when any of the querysets holds a record flagged `is_sample` (one EXISTS query each, at most)."""
    return any(queryset.filter(is_sample=True).exists() for queryset in querysets)


def attachment(
    content,
    *,
    name: str,
    content_type: str,
    sample: bool = False,
    sent: Callable[..., object] | None = None,
    inline: bool = False,
) -> HttpResponse:
    """`content` downloaded as `name`; a file holding sample data gets "-SAMPLE-DATA" before its extension.
    `sent(name)` is called with the file's name. `inline`: for a feed an application reads (a calendar), not a file
    to save."""
    name = _marked(name, sample)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{name}"'
    if sent is not None:
        sent(name)
    return response


def calendar_feed(content: bytes, name: str) -> HttpResponse:
    """An iCalendar feed, which calendar applications subscribe to."""
    return attachment(content, name=name, content_type=ICS, inline=True)


def _marked(name: str, sample: bool) -> str:
    if not sample:
        return name
    stem, dot, extension = name.rpartition(".")
    return f"{stem}{SAMPLE_SUFFIX}.{extension}" if dot else name + SAMPLE_SUFFIX


class _Counting(Export):
    """`table` as it is, counting the rows it yields while the file is written."""

    def __init__(self, table: Export):
        self.table, self.count = table, 0
        self.title, self.frozen_columns, self.sample_note = table.title, table.frozen_columns, table.sample_note

    def header(self) -> list[str]:
        return self.table.header()

    def rows(self):
        for row in self.table.rows():
            self.count += 1
            yield row

    def number_format(self, column: int, value) -> str | None:
        return self.table.number_format(column, value)


def mark_sample(*tables: Export) -> None:
    """Every sheet of the file opens with the sample note (a table's own note, if it has one, stays)."""
    for table in tables:
        table.sample_note = table.sample_note or str(SAMPLE_NOTE)


def mark_sample_docx(document) -> None:
    """A Word document holding sample records says so in its first paragraph, in bold."""
    document.add_paragraph().add_run(str(SAMPLE_NOTE)).bold = True


def table_download(
    fmt: str,
    name: str,
    table: Export,
    *more: Export,
    sample: bool = False,
    sent: Callable[..., object] | None = None,
) -> HttpResponse:
    """`table` as `name`.csv, or as `name`.xlsx with `more` tables as further sheets; another format is a 404.

    `sample`: the tables hold sample data (see `contains_sample`); a table may also say so by its own
    `sample_note`. `sent(name, rows)` is called with the file's name and the number of rows of `table`."""
    tables = (table, *more)
    sample = sample or any(item.sample_note for item in tables)
    if sample:
        mark_sample(*tables)
    counted = _Counting(table)
    if fmt == "csv":
        response = attachment(to_csv(counted), name=f"{name}.csv", content_type=CSV, sample=sample)
    elif fmt == "xlsx":
        response = attachment(to_xlsx(counted, *more), name=f"{name}.xlsx", content_type=XLSX, sample=sample)
    else:
        raise Http404
    if sent is not None:
        sent(_marked(f"{name}.{fmt}", sample), counted.count)
    return response
