from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from octopus.accounts.models import User
from octopus.treaties.imports import ChartError, import_chart, read_chart
from octopus.treaties.models import Treaty


class Command(BaseCommand):
    help = (
        "Import a Treaty Office chart (CSV: State, signature, ratification or accession, entry into force, notes). "
        "Idempotent and atomic: a bad row is reported with its line and nothing is changed."
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
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}")
        source = source or f"Treaty Office chart of CETS {treaty} ({file.name}, imported {timezone.localdate()})"
        try:
            total = len(read_chart(text))
            with tqdm(total=total, desc=f"CETS {treaty}", unit="State", file=self.stderr, leave=False) as bar:
                result = import_chart(found, text, source=source, user=acting, progress=bar.update)
        except ChartError as error:
            raise CommandError(f"{file.name}: {error} Nothing was changed.")
        for line in result.added:
            self.stdout.write(f"added    {line}")
        for line in result.changed:
            self.stdout.write(f"changed  {line}")
        self.stdout.write(f"{len(result.added)} added, {len(result.changed)} changed, {result.unchanged} unchanged.")
