"""`manage.py report progress --programme CODE --from YYYY-MM-DD --to YYYY-MM-DD --format pdf|html [--output FILE]`:
the progress report of a programme for a period written as a file, the same as the report page's PDF. The report of
that programme and period is reused when it exists (with its narrative sections); otherwise it is created, its
sections empty drafts."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from octopus.accounts.models import User
from octopus.lib.downloads import SAMPLE_SUFFIX
from octopus.lib.errors import DomainError
from octopus.reports import outputs, services
from octopus.reports.models import Report, ReportKind
from octopus.results.models import Programme


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"“{text}” is not a date: write it as YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Write a programme's progress report for a period as PDF or HTML, from the records (the report of that "
        "programme and period is reused if it exists, created otherwise)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[ReportKind.PROGRESS.value], help="Kind of report")
        parser.add_argument("--programme", required=True, help="Programme code")
        parser.add_argument("--from", dest="start", required=True, help="First day of the period, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="Last day of the period, YYYY-MM-DD")
        parser.add_argument("--format", dest="fmt", choices=["pdf", "html"], default="pdf")
        parser.add_argument("--output", type=Path, help="File to write (default: a name from the programme and period)")
        parser.add_argument("--user", help="E-mail of the staff member named as the report's author, if created")

    def handle(
        self, *args, kind: str, programme: str, start: str, end: str, fmt: str, output=None, user=None, **options
    ):
        found = Programme.objects.filter(code=programme).first()
        if found is None:
            held = ", ".join(Programme.objects.order_by("code").values_list("code", flat=True)) or "none"
            raise CommandError(f"No programme “{programme}” (held: {held}).")
        period_start, period_end = _date(start), _date(end)
        acting = None
        if user:
            acting = User.objects.filter(email=user).first()
            if acting is None:
                raise CommandError(f"No user with e-mail {user}.")
        report = (
            Report.objects.filter(programme=found, kind=kind, period_start=period_start, period_end=period_end)
            .order_by("pk")
            .first()
        )
        if report is None:
            try:
                report = services.create_report(
                    found, period_start=period_start, period_end=period_end, kind=kind, user=acting
                )
            except DomainError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(f"Created report {report.pk}: {report.title}")
        else:
            self.stdout.write(f"Using report {report.pk}: {report.title}")
        sample = report.is_sample or found.is_sample
        if output is None:
            name = outputs.file_name(report, fmt)
            output = Path(name.replace(f".{fmt}", f"{SAMPLE_SUFFIX}.{fmt}") if sample else name)
        content = outputs.report_pdf(report) if fmt == "pdf" else outputs.report_html(report).encode()
        try:
            output.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
        self.stdout.write(f"Wrote {output}{' (sample data)' if sample else ''}.")
