import datetime
import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from octopus.events import services
from octopus.events.models import Attendance, Event, Registration
from octopus.events.tests.conftest import delete_with_what_protects_it, make_event, open_form, person
from octopus.people.models import Organisation, Person


@pytest.fixture(autouse=True)
def no_reference_events(db):
    # The real Octopus conferences are past retention too (with nobody registered); leave them out of the output.
    delete_with_what_protects_it(Event.objects.all())


def counts() -> dict:
    """Participants by country, sex, sector and role, as the indicators count them."""
    rows = Attendance.objects.values(
        "registration__country__iso2",
        "registration__person__sex",
        "registration__person__organisation__sector",
        "registration__role",
    )
    return {tuple(row.values())[:-1]: row["n"] for row in rows.annotate(n=Count("registration__person", distinct=True))}


def attend(form, n, **fields):
    registration = services.register_person(
        form, person_fields=person(n, **fields), by_staff=True, answers={"diet": "none"}
    )
    services.check_in(registration, day=form.event.starts_on, user=None)
    return registration


def test_people_of_an_event_past_retention_are_anonymised_and_every_count_stays(staff):
    police = Organisation.objects.create(name="Cyber Police", sector="police")
    old = open_form(make_event(staff, slug="old-workshop", starts_on=datetime.date(2016, 5, 10), retention_months=36))
    recent_start = datetime.date.today() - datetime.timedelta(days=10)
    recent = open_form(make_event(staff, slug="recent-workshop", starts_on=recent_start, days=1))
    gone = attend(old, 1, organisation=police)
    also_gone = attend(old, 2, country="AM", sex="male")
    still_held = attend(old, 3)
    attend(recent, 3)  # the same person (same e-mail) came back recently: the later event still holds her data
    before = counts()

    out = io.StringIO()
    call_command("anonymise_expired_events", stdout=out, stderr=io.StringIO())

    assert counts() == before
    assert out.getvalue().strip() == "Anonymised 2 people of 1 event(s) past retention."
    names = {
        r.pk: (r.person.last_name, r.person.email, r.answers) for r in Registration.objects.select_related("person")
    }
    assert names[gone.pk] == names[also_gone.pk] == ("—", "", {})
    assert names[still_held.pk] == ("Beridze3", "nino3@example.ge", {})  # her answers at the old event still go
    assert Person.objects.filter(anonymised_at__isnull=False).count() == 2
    assert Event.objects.get(slug="old-workshop").anonymised_at is not None
    assert Event.objects.get(slug="recent-workshop").anonymised_at is None


def test_a_dry_run_changes_nothing_and_a_second_run_finds_nothing(staff):
    attend(open_form(make_event(staff, slug="old-workshop", starts_on=datetime.date(2016, 5, 10))), 1)
    dry = io.StringIO()

    call_command("anonymise_expired_events", "--dry-run", stdout=dry)
    assert dry.getvalue().splitlines() == [
        "old-workshop: retention ended on 2019-05-11",
        "1 event(s) past retention (dry run, nothing changed).",
    ]
    assert not Person.objects.filter(anonymised_at__isnull=False).exists()

    call_command("anonymise_expired_events", stdout=io.StringIO(), stderr=io.StringIO())
    again = io.StringIO()
    call_command("anonymise_expired_events", stdout=again)

    assert again.getvalue().strip() == "0 event(s) past retention."


def test_retention_counts_whole_months_from_the_last_day(staff):
    event = make_event(staff, slug="w", starts_on=datetime.date(2016, 1, 31), days=1, retention_months=1)

    assert event.retention_ends_on == datetime.date(2016, 2, 29)
