"""Files a page sends as downloads: any content as an attachment, and a table as CSV or XLSX."""

from django.http import Http404, HttpResponse

from octopus.lib.exports import Export, to_csv, to_xlsx

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(content, *, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def table_download(fmt: str, name: str, table: Export, *more: Export) -> HttpResponse:
    """`table` as `name`.csv, or as `name`.xlsx with `more` tables as further sheets; another format is a 404."""
    if fmt == "csv":
        return attachment(to_csv(table), name=f"{name}.csv", content_type=CSV)
    if fmt == "xlsx":
        return attachment(to_xlsx(table, *more), name=f"{name}.xlsx", content_type=XLSX)
    raise Http404
