import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from octopus.accounts.models import AuditEntry
from octopus.committees.models import AssessmentRound
from octopus.committees.services.rounds import REMINDED, send_reminders
from octopus.lib.errors import DomainError
from octopus.surveys.models import QuestionnaireStatus


def rounds_due(days: int, every: int, today: datetime.date):
    """Rounds whose questionnaire is open and whose deadline is within `days` days, or passed, and that were not
    reminded in the last `every` days: run daily, the command reminds each round at most once every `every` days."""
    recently = AuditEntry.objects.filter(
        object_type=AssessmentRound._meta.label_lower,
        action=REMINDED,
        at__date__gt=today - datetime.timedelta(days=every),
    ).values_list("object_id", flat=True)
    return list(
        AssessmentRound.objects.filter(
            questionnaire__status=QuestionnaireStatus.OPEN,
            questionnaire__closes_on__lte=today + datetime.timedelta(days=days),
        )
        .exclude(pk__in=[int(pk) for pk in recently])
        .select_related("committee", "questionnaire")
        .order_by("questionnaire__closes_on", "pk")
    )


class Command(BaseCommand):
    help = (
        "E-mail a reminder to the focal points of every Party that has not submitted its reply, for each assessment "
        "round whose questionnaire is open and due within --days days (or overdue). States that have become Parties "
        "since the questionnaire was sent are sent it first. Run it daily or weekly (cron, systemd timer)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="Remind when the deadline is this close (default 7).")
        parser.add_argument(
            "--every", type=int, default=7, help="Remind a round at most once in so many days (default 7)."
        )
        parser.add_argument("--dry-run", action="store_true", help="List the rounds; send nothing.")

    def handle(self, *args, days, every, dry_run, **options):
        if not settings.SITE_URL and not dry_run:
            raise CommandError("Set SITE_URL (e.g. https://octopus.example.org): the e-mails link to the replies.")
        rounds = rounds_due(days, every, timezone.localdate())
        if dry_run or not rounds:
            for round in rounds:
                self.stdout.write(f"{round.committee} round {round.number}: deadline {round.questionnaire.closes_on}")
            self.stdout.write(f"{len(rounds)} round(s) due" + (" (dry run, nothing sent)." if dry_run else "."))
            return
        countries = 0
        for round in tqdm(rounds, desc="Rounds", unit="round", file=self.stderr, leave=False):
            try:
                sent = send_reminders(round, user=None)
            except DomainError as error:  # closed meanwhile
                self.stderr.write(f"{round.committee} round {round.number}: {error}")
                continue
            countries += len(sent["countries"])
            if sent["without_focal_point"]:
                self.stderr.write(
                    f"{round.committee} round {round.number}: no focal point for "
                    + ", ".join(sent["without_focal_point"])
                )
        self.stdout.write(f"Reminded the focal points of {countries} Part(ies) in {len(rounds)} round(s).")
