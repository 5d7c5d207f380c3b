"""Import a list of participants into an event from the command line: the same declaration on the same pipeline
as the import page (every line checked, one transaction), run at once rather than as a job."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from octopus.events.imports import ADD, UPDATE, Participants
from octopus.events.models import Audience, Event
from octopus.lib import imports as pipeline
from octopus.lib.errors import DomainError


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
            report = pipeline.check_file(Participants(), str(path), {"event": event})
            if not report.ok:
                raise CommandError("Nothing was imported; correct these lines first:\n" + report.error_text())
            to_write = report.counts[ADD] + (report.counts[UPDATE] if update else 0)
            options = {"event": event, "form": registration_form, "update": update, "user": None}
            with tqdm(total=report.rows, desc="Importing", unit="line", file=self.stderr) as bar:

                def progress(done):
                    bar.update(done - bar.n)

                outcome = pipeline.write_file(Participants(), str(path), options, progress=progress)
        except DomainError as error:
            raise CommandError(str(error))
        self.stdout.write(
            f"{outcome['added']} added, {outcome['updated']} updated, {outcome['skipped']} left out "
            f"({to_write} of {report.rows} lines written)."
        )
