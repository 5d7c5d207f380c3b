"""Import a list of participants into an event from the command line: the same checks and the same single
transaction as the import page."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from octopus.accounts.services import DomainError
from octopus.events.imports import ADD, UPDATE, apply_import, plan_import, read_rows
from octopus.events.models import Audience, Event


class Command(BaseCommand):
    help = (
        "Import participants into an event from an .xlsx or .csv file (columns: first name, last name, e-mail, sex, "
        "organisation, sector, country, role, state). All or nothing: any line in error and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The event's short name in addresses.")
        parser.add_argument("file", help="An .xlsx or .csv file.")
        parser.add_argument(
            "--update", action="store_true", help="Also update people already in Octopus (matched by e-mail)."
        )
        parser.add_argument("--form", type=int, help="The registration form's id (default: the participants' form).")

    def handle(self, *args, slug, file, update, form, **options):
        event = Event.objects.filter(slug=slug).first()
        if event is None:
            raise CommandError(f"No event is called “{slug}”.")
        forms = event.forms.all()
        registration_form = (
            forms.filter(pk=form).first() if form else forms.filter(audience=Audience.PARTICIPANTS).first()
        )
        if registration_form is None:
            raise CommandError("The event has no such registration form; add one for participants first.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file at {file}.")
        try:
            with path.open("rb") as handle:
                rows = read_rows(handle, path.name)
            plan = plan_import(event, rows)
            if plan.errors:
                raise CommandError("Nothing was imported; correct these lines first:\n" + plan.error_text())
            to_write = plan.count(ADD) + (plan.count(UPDATE) if update else 0)

            def progress(lines):
                return tqdm(lines, total=len(lines), desc="Importing", unit="line", file=self.stderr)

            outcome = apply_import(event, registration_form, rows, update=update, user=None, progress=progress)
        except DomainError as error:
            raise CommandError(str(error))
        self.stdout.write(
            f"{outcome.added} added, {outcome.updated} updated, {outcome.skipped} left out "
            f"({to_write} of {len(rows)} lines written)."
        )
