from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from octopus.accounts.models import Membership, Role, User
from octopus.sample.committees import load_sample_committee
from octopus.sample.events import load_sample_events
from octopus.sample.funding import load_sample_funding
from octopus.sample.legislation import load_sample_legislation
from octopus.sample.programme import load_sample_programme

# One sample account per role, so each view of the product can be tried. All are flagged as sample data.
SAMPLE_PASSWORD = "octopus-sample"
SAMPLE_ACCOUNTS = [
    ("staff@sample.octopus.test", "Sam", "Staff", Role.PROGRAMME_STAFF, {}),
    ("reviewer@sample.octopus.test", "Rita", "Reviewer", Role.PROGRAMME_STAFF, {}),
    ("finance@sample.octopus.test", "Fay", "Finance", Role.FINANCE_OFFICER, {}),
    ("secretariat@sample.octopus.test", "Tess", "Secretariat", Role.TCY_SECRETARIAT, {}),
    ("focalpoint.ge@sample.octopus.test", "Giorgi", "Focal", Role.FOCAL_POINT, {"country_code": "GE"}),
    ("donor@sample.octopus.test", "Dana", "Donor", Role.DONOR, {"donor_code": "SAMPLE-DONOR"}),
]


class Command(BaseCommand):
    help = (
        "Load sample accounts, the sample programme, sample participants and events, T-CY records, legislation "
        "records and the seed programme's sample money (flagged as sample data; never real people or amounts). "
        "Idempotent."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Sample accounts have a published password: they are loaded only when DEBUG is on.")
        for email, first, last, role, scope in SAMPLE_ACCOUNTS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email, password=SAMPLE_PASSWORD, first_name=first, last_name=last, is_sample=True
                )
            Membership.objects.get_or_create(user=user, role=role, **scope)
        staff = User.objects.get(email=SAMPLE_ACCOUNTS[0][0])
        reviewer = User.objects.get(email=SAMPLE_ACCOUNTS[1][0])
        if load_sample_programme(staff=staff, reviewer=reviewer, donor_code="SAMPLE-DONOR"):
            self.stdout.write("Sample programme loaded (flagged as sample data).")
        events = load_sample_events(staff=staff)
        if events:
            self.stdout.write(
                "Sample events loaded: {events} sample events (three sample conferences with generated "
                "participants, workshops, a training, a T-CY plenary, a contribution), all serving the sample "
                "programme; {registrations} registrations, {attendance} attendance rows (all flagged as sample "
                "data).".format(**events)
            )
        committee = load_sample_committee(staff=User.objects.get(email=SAMPLE_ACCOUNTS[3][0]))
        if committee:
            self.stdout.write(
                "Sample T-CY records loaded: plenary and assessment round {round} with {replies} replies (flagged as "
                "sample data).".format(**committee)
            )
        legislation = load_sample_legislation(staff=staff, focal_point=User.objects.get(email=SAMPLE_ACCOUNTS[4][0]))
        if legislation:
            self.stdout.write(
                "Sample legislation loaded: profiles of {countries} countries ({assessments} reviewed assessments, "
                "{drafts} drafts awaiting review), {advice} pieces of legislative advice with {recommendations} "
                "recommendations, {statistics} yearly figures (flagged as sample data).".format(**legislation)
            )
        funding = load_sample_funding(finance=User.objects.get(email=SAMPLE_ACCOUNTS[2][0]))
        if funding:
            message = (
                "Sample funding loaded: {contributions} contributions of {donors} sample donors (none from a real "
                "donor) at {rates} sample rates, {earmarks} earmarks, {budgets} budgets, {expenditure} costs typed and "
                "{synced[added]} brought in from travel, translation and interpretation (flagged as sample data)."
            )
            self.stdout.write(message.format(**funding))
        self.stdout.write(
            f"Sample accounts (password {SAMPLE_PASSWORD!r}): " + ", ".join(a[0] for a in SAMPLE_ACCOUNTS)
        )
