"""Sample participants and events: flagged as sample, at the real conferences' real dates, and read by the seed
logframe's event indicators; generated attendance at any size, exactly as many rows as asked."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from octopus.accounts.models import Role
from octopus.conftest import make_user
from octopus.events.models import Attendance, Event, Kind, Registration, RegistrationState, Status, Travel
from octopus.events.queries import attendance_counts
from octopus.lib.metrics import registry
from octopus.people.models import Organisation, Person
from octopus.results.models import Programme
from octopus.results.queries import programme_results
from octopus.sample.events import load_sample_events
from octopus.sample.generate import generate

pytestmark = pytest.mark.django_db
D = datetime.date
CONFERENCES = {"kinds": [Kind.OCTOPUS_CONFERENCE]}


@pytest.fixture
def sample(db):
    return load_sample_events(staff=make_user(Role.PROGRAMME_STAFF))


def test_the_2016_conference_gets_as_many_people_and_countries_as_the_source_reports(sample):
    year_2016 = (D(2016, 1, 1), D(2016, 12, 31))

    assert registry.evaluate("events.participants", *year_2016, **CONFERENCES) == 300
    assert registry.evaluate("events.countries", *year_2016, **CONFERENCES) == 90
    counts = attendance_counts(Event.objects.filter(kind=Kind.OCTOPUS_CONFERENCE))
    # 300, 280 and 320 participants; 84 of 2018's and 96 of 2019's had come to an earlier one.
    assert (counts.participations, counts.people) == (900, 900 - 84 - 96)
    # Cancelled and pending registrations are there, and never count.
    assert Registration.objects.filter(event__slug="octopus-2016").exclude(state=RegistrationState.APPROVED).count()
    assert not Attendance.objects.exclude(registration__state=RegistrationState.APPROVED).exists()
    assert Travel.objects.filter(registration__event__slug="octopus-2016").exists()


def test_every_record_it_makes_is_flagged_as_sample_and_the_conferences_stay_real(sample):
    conferences = Event.objects.filter(kind=Kind.OCTOPUS_CONFERENCE)
    sample_events = Event.objects.filter(is_sample=True)

    assert set(conferences.values_list("is_sample", flat=True)) == {False}
    assert set(Registration.objects.values_list("is_sample", flat=True)) == {True}
    assert set(Person.objects.values_list("is_sample", flat=True)) == {True}
    assert set(Organisation.objects.values_list("is_sample", flat=True)) == {True}
    assert sorted(sample_events.values_list("kind", "status")) == [
        ("contribution", "held"),
        ("in_country_workshop", "confirmed"),
        ("in_country_workshop", "confirmed"),
        ("in_country_workshop", "held"),
        ("regional_workshop", "held"),
        ("tcy_plenary", "held"),
        ("training", "held"),
    ]
    assert all(title.endswith("(sample)") for title in sample_events.values_list("title", flat=True))
    assert sample == {"registrations": 1054, "attendance": 2778, "events": 7}


def test_an_upcoming_sample_event_is_open_for_registration_with_a_timetable(sample):
    upcoming = Event.objects.get(slug="sample-workshop-upcoming")

    assert upcoming.starts_on == timezone.localdate() + datetime.timedelta(days=21)
    assert list(upcoming.forms.values_list("title", "is_open", "capacity")) == [("Participants", True, 40)]
    assert upcoming.sessions.count() == 4


def test_loading_again_adds_nothing(sample):
    counts = (Event.objects.count(), Registration.objects.count(), Attendance.objects.count())

    assert load_sample_events(staff=None) is None
    assert (Event.objects.count(), Registration.objects.count(), Attendance.objects.count()) == counts


def test_the_seed_logframe_shows_its_event_indicators(sample):
    programme = Programme.objects.get(code="cybercrime-octopus")

    results = programme_results(programme, D(2019, 12, 31))

    shown = {row.indicator.code: (row.source, row.to_date.actual) for row in results.indicators}
    assert shown["1.1"] == ("metric", 3)  # 2016, 2018, 2019: the dates of 2015 are not in the sources
    assert shown["1.2"] == ("metric", 300 + 280 + 320 - 84 - 96)
    assert (shown["1.3"], shown["1.4"]) == (("metric", 146), ("metric", 239))
    assert shown["2.1"] == ("metric", 60)
    assert shown["2.2"] == ("metric", 1)
    assert shown["3.1"] == ("metric", 2)  # the third workshop is confirmed, not held
    assert shown["3.2"] == ("metric", 1)


def test_load_sample_data_loads_them(settings):
    settings.DEBUG = True
    out = io.StringIO()

    call_command("load_sample_data", stdout=out)

    assert "Sample events loaded" in out.getvalue()
    assert Event.objects.filter(slug="sample-workshop-ge-2017", status=Status.HELD).exists()


def generated_attendance() -> list[tuple]:
    return list(
        Attendance.objects.filter(registration__event__slug__startswith="generated-")
        .order_by("registration__event__slug", "registration__person__last_name", "day")
        .values_list("registration__event__slug", "registration__person__last_name", "day")
    )


def test_the_generator_writes_exactly_the_attendance_asked_for_and_replaces_it():
    made = generate(150, seed=2, attendance=700)
    rows = generated_attendance()

    again = generate(150, seed=2, attendance=700)

    assert made["attendance"] == again["attendance"] == len(rows) == 700
    assert generated_attendance() == rows
    events = Event.objects.filter(slug__startswith="generated-")
    assert set(events.values_list("is_sample", flat=True)) == {True}
    assert events.count() == made["generated_events"]
    people = Person.objects.filter(registrations__event__in=events).distinct()
    assert set(people.values_list("is_sample", flat=True)) == {True}
    assert Registration.objects.filter(event__in=events).count() == made["registrations"]
    generate(150, seed=2, attendance=40)
    assert len(generated_attendance()) == 40
    assert Person.objects.filter(email__endswith="@generated.octopus.test").count() == 10  # the fewest it makes


def test_the_generated_programme_reads_its_events():
    generate(100, seed=1, attendance=2000)

    results = programme_results(Programme.objects.get(code="generated-100"), D(2025, 12, 31))

    shown = {row.indicator.code: row.to_date.actual for row in results.indicators}
    # Four generated conferences, and the real ones of 2021 and 2023 (reference data) in the same years.
    assert shown["4.1"] == 6
    assert shown["4.2"] == registry.evaluate("events.participants", D(2020, 1, 1), D(2025, 12, 31), **CONFERENCES)
    assert all(shown[code] > 0 for code in ("4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "4.8"))
