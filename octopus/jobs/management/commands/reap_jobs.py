from django.core.management.base import BaseCommand

from octopus.jobs.runner import heartbeat_timeout, reap_stale


class Command(BaseCommand):
    help = "Mark failed every running job whose worker stopped (no heartbeat for JOB_HEARTBEAT_TIMEOUT seconds)."

    def handle(self, *args, **options):
        count = reap_stale()
        self.stdout.write(f"{count} stale job(s) marked failed (heartbeat older than {heartbeat_timeout():g} s).")
