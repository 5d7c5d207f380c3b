from django.core.management.base import BaseCommand, CommandError

from octopus.site.backup import BackupError, backup, describe


class Command(BaseCommand):
    help = (
        "Write one archive (tar.gz) of the whole database, every uploaded file under MEDIA_ROOT, and a manifest with "
        "each table's row count and the SHA-256 of every part. `manage.py restore` brings it back."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="The archive to write, or a folder to write octopus-backup-<time>.tar.gz into (default: here).",
        )

    def handle(self, *args, **options):
        progress = self.stderr if options["verbosity"] > 0 else None
        try:
            path, manifest = backup(options["output"], progress=progress)
        except BackupError as error:
            raise CommandError(str(error))
        self.stdout.write(f"Backup written to {path}.")
        for line in describe(manifest):
            self.stdout.write(f"  {line}")
