from django.core.management.base import BaseCommand, CommandError

from octopus.site.backup import BackupError, describe, restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by `manage.py backup` into this database and MEDIA_ROOT. Checks every hash first "
        "and changes nothing if one differs; refuses a database or media folder that holds data unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz written by `manage.py backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace whatever the database and MEDIA_ROOT hold (everything in them is deleted).",
        )

    def handle(self, *args, **options):
        progress = self.stderr if options["verbosity"] > 0 else None
        try:
            restored = restore(options["archive"], force=options["force"], progress=progress)
        except BackupError as error:
            raise CommandError(str(error))
        self.stdout.write(f"Restored {options['archive']}: {restored.objects} rows and {restored.files} files.")
        for line in describe(restored.manifest):
            self.stdout.write(f"  {line}")
        self.stdout.write("  Every table's row count matches the manifest.")
