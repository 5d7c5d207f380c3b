from django.core.management.base import BaseCommand
from tqdm import tqdm

from octopus.events.services import anonymise_event, events_past_retention


class Command(BaseCommand):
    help = (
        "Anonymise the personal data of every event whose retention period has ended (Event.retention_months after "
        "its last day). Counts by country, sex, sector and role stay as they were. Run it daily (cron, systemd timer)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the events; change nothing.")

    def handle(self, *args, dry_run, **options):
        events = events_past_retention()
        if dry_run or not events:
            for event in events:
                self.stdout.write(f"{event.slug}: retention ended on {event.retention_ends_on}")
            self.stdout.write(
                f"{len(events)} event(s) past retention" + (" (dry run, nothing changed)." if dry_run else ".")
            )
            return
        people = 0
        for event in tqdm(events, desc="Events", unit="event", file=self.stderr, leave=False):
            people += anonymise_event(event)
        self.stdout.write(f"Anonymised {people} people of {len(events)} event(s) past retention.")
