"""A progress report as a file: a PDF to send (`report_pdf`) and a standalone HTML document (`report_html`), both
printed from the same assembled figures and narrative sections as the report's page (`assembly.assemble`).

The PDF is A4 with a cover, a table of contents, the report's title at the top of every page and "Page n of N" at
the bottom; a sample report carries the sample mark on every page (`templates/pdf/sample_mark.html`). Nothing is
fetched while rendering: the template carries its own style and no image, and the fetcher allows only `data:`."""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from octopus.reports.assembly import assemble
from octopus.reports.models import Report


def _css_string(text: str) -> str:
    # Inside <style> nothing is unescaped by HTML: the text is escaped for CSS instead, "<" included.
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ") + '"'


def page_of_pages() -> str:
    """The CSS `content` of the footer, "Page n of N" in the language of the request, the numbers counted by
    WeasyPrint."""
    words = _("Page %(page)s of %(pages)s") % {"page": "\0page\0", "pages": "\0pages\0"}
    parts = []
    for n, piece in enumerate(words.split("\0")):
        if n % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(_css_string(piece))
    return mark_safe(" ".join(parts))


def report_html(report: Report, *, for_print: bool = False) -> str:
    """The report as one HTML document with its style inline."""
    assembled = assemble(report)
    return render_to_string(
        "reports/pdf/report.html",
        {
            "report": report,
            "programme": report.programme,
            "assembled": assembled,
            "sample": assembled.is_sample,
            "for_print": for_print,
            "page_of_pages": page_of_pages(),
            "generated_at": timezone.now(),
        },
    )


def report_pdf(report: Report) -> bytes:
    html = report_html(report, for_print=True)
    return HTML(string=html, base_url=None, url_fetcher=URLFetcher(allowed_protocols=("data",))).write_pdf()


def file_name(report: Report, extension: str) -> str:
    """`<programme>-report-<start>-<end>.<extension>`: the sample suffix is added by the download, not here."""
    return (
        f"{report.programme.code}-report-{report.period_start.isoformat()}-{report.period_end.isoformat()}.{extension}"
    )
