from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from octopus.sample.generate import GenerationError, generate


class Command(BaseCommand):
    help = (
        "Generate a sample programme (code generated-<scale>, flagged as sample data) with <scale> approved manual "
        "values, its targets, a generated treaty's actions and generated events with attendance, "
        "reproducibly from a seed. Replaces an earlier "
        "generation of the same scale; never touches real programmes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=10_000, help="Number of manual values (default 10000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed; the same seed gives the same rows.")
        parser.add_argument(
            "--attendance", type=int, default=None, help="Attendance rows at generated events (default: the scale)."
        )

    def handle(self, *args, scale, seed, attendance, **options):
        total = scale + (scale if attendance is None else max(attendance, 0))
        with tqdm(total=total, desc="Values and attendance", unit="row", file=self.stderr, leave=False) as bar:
            try:
                made = generate(scale, seed, progress=bar.update, attendance=attendance)
            except GenerationError as error:
                raise CommandError(str(error)) from None
        verb = "Replaced" if made.pop("replaced") else "Generated"
        self.stdout.write(
            "{verb} sample programme {programme}: {indicators} indicators, {targets} targets, {manual_values} "
            "approved manual values, {treaty_actions} actions under generated treaty CETS {treaty}, {generated_events} "
            "generated events with {registrations} registrations, {attendance} attendance rows and {people} "
            "people.".format(verb=verb, **made)
        )
