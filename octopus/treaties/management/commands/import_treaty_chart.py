from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from octopus.accounts.models import User
from octopus.lib import imports as pipeline
from octopus.lib.imports import ImportRefused
from octopus.treaties.imports import Chart, default_source, import_chart
from octopus.treaties.models import Treaty


class Command(BaseCommand):
    help = (
        "Import a Treaty Office chart (CSV or XLSX: State, signature, ratification or accession, entry into force, "
        "notes). Idempotent and atomic: every bad row is reported with its line and column and nothing is changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--treaty", type=int, required=True, help="CETS number, e.g. 185")
        parser.add_argument("--source", help="Citation stored with each action (default: the file name and today)")
        parser.add_argument("--user", help="E-mail of the staff member the audit log names")

    def handle(self, *args, file: Path, treaty: int, source=None, user=None, **options):
        found = Treaty.objects.filter(number=treaty).first()
        if found is None:
            held = ", ".join(str(n) for n in Treaty.objects.values_list("number", flat=True))
            raise CommandError(f"No treaty CETS {treaty} is held (held: {held}). Run load_reference_data first?")
        acting = None
        if user:
            acting = User.objects.filter(email=user).first()
            if acting is None:
                raise CommandError(f"No user with e-mail {user}.")
            if not acting.has_perm("treaties.import_chart"):
                raise CommandError(f"{user} may not import treaty charts (programme staff, T-CY secretariat, admins).")
        if not file.is_file():
            raise CommandError(f"Cannot read {file}: no such file.")
        source = source or default_source(found, file.name)
        # The same pipeline as the upload page, at once instead of as a job: the bar counts the rows checked and
        # written; every error is listed, and nothing is written unless there is none.
        try:
            total = pipeline.count_rows(Chart(), str(file))
            with tqdm(total=total, desc=f"CETS {treaty}", unit="State", file=self.stderr, leave=False) as bar:
                outcome = import_chart(
                    found, str(file), source=source, user=acting, progress=lambda done: bar.update(done - bar.n)
                )
        except (ImportRefused, OSError) as error:
            raise CommandError(f"{file.name}: {error}\nNothing was changed.")
        for line in outcome["added"]:
            self.stdout.write(f"added    {line}")
        for line in outcome["changed"]:
            self.stdout.write(f"changed  {line}")
        added, changed, unchanged = len(outcome["added"]), len(outcome["changed"]), outcome["unchanged"]
        self.stdout.write(f"{added} added, {changed} changed, {unchanged} unchanged.")
