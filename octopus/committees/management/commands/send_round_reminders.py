import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone
from tqdm import tqdm

from octopus.accounts.services import DomainError
from octopus.committees.models import AssessmentRound
from octopus.committees.services.rounds import send_reminders
from octopus.surveys.models import QuestionnaireStatus


def rounds_due(days: int, today: datetime.date):
    """Rounds whose questionnaire is open and whose deadline is within `days` days, or passed."""
    return list(
        AssessmentRound.objects.filter(
            questionnaire__status=QuestionnaireStatus.OPEN,
            questionnaire__closes_on__lte=today + datetime.timedelta(days=days),
        )
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
        parser.add_argument("--dry-run", action="store_true", help="List the rounds; send nothing.")

    def handle(self, *args, days, dry_run, **options):
        rounds = rounds_due(days, timezone.localdate())
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
                self.stderr.write(f"{round.committee} round {round.number}: no focal point for "
                                  + ", ".join(sent["without_focal_point"]))  # fmt: skip
        self.stdout.write(f"Reminded the focal points of {countries} Part(ies) in {len(rounds)} round(s).")
