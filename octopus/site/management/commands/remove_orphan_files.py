import datetime

from django.core.management.base import BaseCommand

from octopus.site.media import media_root, orphan_files, remove_files, stored_files


class Command(BaseCommand):
    help = (
        "Remove the files under MEDIA_ROOT that no record refers to (left behind by an upload whose transaction "
        "rolled back). Files younger than --min-age are left alone: their upload may not have committed yet."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the orphans; delete nothing.")
        parser.add_argument(
            "--min-age",
            type=int,
            default=60,
            metavar="MINUTES",
            help="Only files last modified at least this many minutes ago (default: 60).",
        )

    def handle(self, *args, **options):
        stored = sum(1 for _name in stored_files())
        orphans = orphan_files(datetime.timedelta(minutes=options["min_age"]))
        if options["verbosity"] > 1 or options["dry_run"]:
            for name in orphans:
                self.stdout.write(f"  {name}")
        if options["dry_run"]:
            self.stdout.write(f"{len(orphans)} of {stored} files under {media_root()} are orphans; none removed.")
            return
        remove_files(orphans)
        self.stdout.write(f"{len(orphans)} orphan files removed; {stored - len(orphans)} files kept.")
